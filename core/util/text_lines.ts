/**
 * Reading a byte stream line by line (a child process's stdout, a pool worker's stdin).
 *
 * @module
 */

/** The lines of a UTF-8 byte stream, without their newlines (the last one may lack one). */
export async function* textLines(input: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  for await (const text of input.pipeThrough(new TextDecoderStream())) {
    pending += text;
    let end: number;
    while ((end = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, end);
      pending = pending.slice(end + 1);
    }
  }
  if (pending !== "") yield pending;
}
