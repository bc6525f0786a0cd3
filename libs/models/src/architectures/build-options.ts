export interface BuildOptions {
  /** Seeds every kernel initializer; omit for tfjs' unseeded initialisation. */
  seed?: number;
  /**
   * Start every kernel at zero instead of drawing random numbers: for describing a model
   * (parameters, FLOPs) without paying for the initialisation, e.g. the 138 M-parameter
   * published RMN. Never for training.
   */
  zeros?: boolean;
}
