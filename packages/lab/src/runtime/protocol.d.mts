export declare const END_MARKER: string;
export declare const CPU_TIME_HEADER: string;
export declare const INIT_TIMING_HEADER: string;
export declare const OPENS_WITH_CREATE_REQUIRE: RegExp;
