// Tests read answers whose shape each assertion checks; `any` keeps them short.
declare global {
  interface Response {
    // biome-ignore lint/suspicious/noExplicitAny: each test checks the shape of the answer it reads
    json(): Promise<any>;
  }
}
export {};
