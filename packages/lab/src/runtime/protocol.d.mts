export declare const END_MARKER: string;
