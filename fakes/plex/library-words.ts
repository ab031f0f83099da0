/**
 * Word pools for the generated music library (test/fakes/library.ts). Real artist names come first so
 * that even a small library has accents, CJK, slashes, apostrophes and ampersands in it; the rest of the
 * names are built from the pools below.
 */

/** Used in this order before any generated name; the awkward spellings are the point. */
export const NOTABLE_ARTISTS = [
  'Beyoncé',
  'Sigur Rós',
  'Motörhead',
  'Björk',
  'AC/DC',
  'The Beatles',
  '坂本龍一',
  'Miles Davis',
  'John Coltrane',
  "Guns N' Roses",
  'Earth, Wind & Fire',
  'Mötley Crüe',
  'Daft Punk',
  "Sinéad O'Connor",
  'Ólafur Arnalds',
  'Édith Piaf',
  'Godspeed You! Black Emperor',
  'Sunn O)))',
  'Queensrÿche',
  'Hüsker Dü',
  'Blue Öyster Cult',
  'Thelonious Monk',
  'McCoy Tyner',
  'Nina Simone',
  '!!!',
  'P!nk',
  'deadmau5',
  'The Notorious B.I.G.',
  'Rosalía',
  'Måneskin',
  'Tiësto',
  'Röyksopp',
  '宇多田ヒカル',
  'Ali Farka Touré',
  "Youssou N'Dour",
  'João Gilberto',
  'Caetano Veloso',
  'Jóhann Jóhannsson',
  'Simon & Garfunkel',
  'The The',
  'Radiohead',
  'Kraftwerk',
  'Herbie Hancock',
  'Astor Piazzolla',
  'Fela Kuti',
  'Café Tacvba',
  'Zoë Keating',
  'Ludwig van Beethoven',
  'BTS',
  'Hiromi',
];

// prettier-ignore
export const FIRST_NAMES = [
  'Aaliyah', 'Ada', 'Amaru', 'Ana', 'Andrés', 'Anouk', 'Art', 'Astrid', 'Ayumi', 'Bea', 'Benedikt',
  'Billie', 'Björn', 'Carmen', 'Cécile', 'Chet', 'Dagny', 'Dexter', 'Dorothy', 'Eero', 'Elif', 'Ella',
  'Émile', 'Esperanza', 'Fatoumata', 'Françoise', 'Gábor', 'Gil', 'Hank', 'Hélène', 'Ibrahim', 'Ingrid',
  'Jaco', 'Jorge', 'Joni', 'Kamasi', 'Keiko', 'Lars', 'Léa', 'Lionel', 'Malak', 'Marvin', 'Mehmet', 'Mía',
  'Nils', 'Noémie', 'Oumou', 'Pharoah', 'Quincy', 'Ravi', 'Renée', 'Ryō', 'Salif', 'Søren', 'Sun', 'Tomás',
  'Uma', 'Vashti', 'Wes', 'Xiomara', 'Yusef', 'Zélie',
];

// prettier-ignore
export const LAST_NAMES = [
  'Abrahamsen', 'Adderley', 'Akinmusire', 'Alvarez', 'Baker', 'Barbosa', 'Brötzmann', 'Carter', 'Castro',
  'Chambers', 'Corea', 'Dahl', 'Dolphy', 'Doré', 'Evans', 'Fernández', 'Garbarek', 'Gonçalves', 'Haden',
  'Hubbard', 'Ibarra', 'Jarrett', 'Jensen', 'Kaneko', 'Keïta', 'Lacy', 'Lindqvist', "O'Brien", 'Mingus',
  'Moreau', 'Müller', 'Nakamura', 'Núñez', 'Okafor', 'Østergaard', 'Parker', 'Peterson', 'Quiñones',
  'Rollins', 'Sanders', 'Shorter', 'Silva', 'Söderberg', 'Tanaka', 'Turner', 'Umeh', 'Vega', 'Weston',
  'Wójcik', 'Yamada', 'Zawinul', 'Žižek',
];

// prettier-ignore
export const ADJECTIVES = [
  'Blue', 'Broken', 'Burning', 'Crimson', 'Electric', 'Empty', 'Endless', 'Fading', 'Frozen', 'Golden',
  'Hollow', 'Hungry', 'Invisible', 'Last', 'Little', 'Lonely', 'Lost', 'Midnight', 'Naked', 'Neon',
  'Northern', 'Paper', 'Quiet', 'Restless', 'Silent', 'Silver', 'Slow', 'Strange', 'Sweet', 'Velvet',
  'Wild', 'Wooden', 'Young', 'Über', 'Dernier', 'Ásta', 'Pequeño', 'Tōkyō', 'Ça Va',
];

// prettier-ignore
export const NOUNS = [
  'Afternoon', 'Angel', 'Avenue', 'Balloon', 'Bird', 'Blood', 'Bridge', 'Candle', 'Castle', 'City',
  'Cloud', 'Coast', 'Crown', 'Dance', 'Dream', 'Echo', 'Engine', 'Feather', 'Fire', 'Garden', 'Ghost',
  'Glass', 'Harbor', 'Heart', 'Horizon', 'Island', 'Kingdom', 'Lantern', 'Machine', 'Mirror', 'Moon',
  'Mountain', 'Ocean', 'Orchid', 'Parade', 'Planet', 'Radio', 'River', 'Road', 'Rose', 'Satellite',
  'Shadow', 'Signal', 'Sky', 'Snow', 'Song', 'Storm', 'Stranger', 'Summer', 'Sun', 'Thunder', 'Tide',
  'Train', 'Valley', 'Wave', 'Wind', 'Window', 'Winter', 'Wolf', 'Café', 'Noël', 'Señor', 'Fjörður',
  '東京', '夜', 'Łódź', 'São Paulo', 'Zürich',
];

// prettier-ignore
export const VERBS = [
  'Believe', 'Breathe', 'Burn', 'Call', 'Carry', 'Chase', 'Dance', 'Dream', 'Fall', 'Fly', 'Follow',
  'Forget', 'Hold', 'Hide', 'Leave', 'Listen', 'Move', 'Run', 'Shine', 'Sing', 'Stay', 'Swim', 'Wait',
  'Walk', 'Wake',
];

// prettier-ignore
export const PLACES = [
  'Birdland', 'the Village Vanguard', 'Montreux', 'Budokan', 'the Fillmore', 'Red Rocks', 'Wembley',
  'the Royal Albert Hall', 'Newport', 'Café Wha?', "Ronnie Scott's", 'Olympia', 'Reykjavík',
];

/** Grouped band names: "The {Adj} {Noun}s", "{Noun} & the {Noun}s", … */
export const BAND_SUFFIXES = [
  'Quartet',
  'Trio',
  'Orchestra',
  'Collective',
  'Ensemble',
  'Sound System',
  'Band',
];

export const ALBUM_SUFFIXES = [
  ' (Deluxe Edition)',
  ' (Remastered 2011)',
  ' (Live)',
  ' [Bonus Tracks]',
  ', Vol. 2',
  ' (Original Motion Picture Soundtrack)',
  ': The Sessions',
  " (20th Anniversary Collector's Edition)",
];

export const TRACK_SUFFIXES = [
  ' (Live)',
  ' - 2009 Remaster',
  ' (Radio Edit)',
  ' (Acoustic)',
  ', Pt. 2',
  ' (Demo)',
  ' [Extended Mix]',
  ' (Take 3)',
];

export const GENRES = ['Rock', 'Jazz', 'Electronic', 'Pop', 'Hip-Hop', 'Classical', 'Folk', 'Metal', 'Soul'];

/** System of a Down's albums, for the fixture artist 142 (real track lists; lengths in seconds). */
export const SOAD_ALBUMS: Array<{
  key: number;
  title: string;
  year: number;
  tracks: Array<[number, string, number]>;
}> = [
  {
    key: 1430,
    title: 'Toxicity',
    year: 2001,
    tracks: [
      [1432, 'Prison Song', 201],
      [1433, 'Needles', 193],
      [1434, 'Deer Dance', 175],
      [1435, 'Jet Pilot', 126],
      [1436, 'X', 118],
      [1431, 'Chop Suey!', 210],
      [1437, 'Bounce', 114],
      [1438, 'Forest', 240],
      [1439, 'ATWA', 176],
      [1440, 'Science', 163],
      [1441, 'Shimmy', 111],
      [1442, 'Toxicity', 219],
      [1443, 'Psycho', 225],
      [1444, 'Aerials', 375],
    ],
  },
  {
    key: 1445,
    title: 'Mezmerize',
    year: 2005,
    tracks: [
      [1446, 'Soldier Side - Intro', 63],
      [1447, 'B.Y.O.B.', 255],
      [1448, 'Revenga', 228],
      [1449, 'Cigaro', 131],
      [1450, 'Radio/Video', 249],
      [1451, "This Cocaine Makes Me Feel Like I'm on This Song", 128],
      [1452, 'Violent Pornography', 211],
      [1453, 'Question!', 200],
      [1454, 'Sad Statue', 205],
      [1455, 'Old School Hollywood', 176],
      [1456, 'Lost in Hollywood', 320],
    ],
  },
  {
    key: 1457,
    title: 'Hypnotize',
    year: 2005,
    tracks: [
      [1458, 'Attack', 186],
      [1459, 'Dreaming', 219],
      [1460, "Kill Rock 'n Roll", 148],
      [1461, 'Hypnotize', 189],
      [1462, 'Stealing Society', 178],
      [1463, 'Tentative', 216],
      [1464, 'U-Fig', 175],
      [1465, 'Holy Mountains', 330],
      [1466, 'Vicinity of Obscenity', 171],
      [1467, "She's Like Heroin", 164],
      [1468, 'Lonely Day', 167],
      [1469, 'Soldier Side', 220],
    ],
  },
];
