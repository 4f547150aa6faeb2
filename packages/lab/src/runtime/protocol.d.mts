export declare const END_MARKER: string;
export declare const CPU_TIME_HEADER: string;
