/**
 * The one sine per stem that the synthetic test tracks are built from and that the fake demucs
 * "separates" again. Integer Hz, so a window of whole seconds puts each tone exactly on a DFT bin.
 * Primes, and no tone is a sum or difference of up to 7 multiples of the others, so harmonics and
 * intermodulation from a limiter or an MP3 encoder never land on another stem's bin (the notes'
 * 110/440/1760 Hz are octaves of each other, so they do). All stay far below any MP3 lowpass.
 */
export const STEM_TONES = Object.freeze({ drums: 331, bass: 109, other: 1303, vocals: 4007 });
