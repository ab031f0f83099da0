/** Types for stem-tones.mjs (plain JavaScript so the fake demucs starts without tsx). */
export declare const STEM_TONES: Readonly<{ drums: number; bass: number; other: number; vocals: number }>;
