export declare const sharedVitestConfig: {
  test: { pool: 'forks'; testTimeout: number; hookTimeout: number; reporters: string[] };
};
