/** FER2013's `emotion` column, by code. */
export const FER2013_EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'] as const;

/** FER+ vote columns, in file order (the last two are not emotions: such rows are dropped). */
export const FERPLUS_COLUMNS = ['neutral', 'happy', 'surprise', 'sad', 'angry', 'disgust', 'fear', 'contempt', 'unknown', 'NF'] as const;

/** Every emotion fermx knows, in a fixed order used when a profile keeps all classes. */
export const ALL_EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral', 'contempt'] as const;
export type Emotion = (typeof ALL_EMOTIONS)[number];

export const USAGES = ['Training', 'PublicTest', 'PrivateTest'] as const;
export type Usage = (typeof USAGES)[number];

export const IMAGE_SIDE = 48;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
