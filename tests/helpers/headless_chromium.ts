/**
 * Opens a page in headless Chromium over the DevTools protocol, collecting console and log
 * errors (failed resource loads included) and taking a screenshot. A test helper.
 *
 * @module
 */

/** What loading the page produced. */
export interface PageVisit {
  readonly errors: string[];
  readonly screenshot: Uint8Array;
  readonly title: string;
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--remote-debugging-port=0",
  "--window-size=1200,1600",
];

/** The Chromium executable, or undefined when none is installed. */
export async function findChromium(): Promise<string | undefined> {
  for (const path of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
    try {
      await Deno.stat(path);
      return path;
    } catch { /* try the next */ }
  }
  return undefined;
}

async function devtoolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Chromium exited before DevTools started:\n${text}`);
    text += value;
    const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
    if (match) {
      reader.releaseLock();
      return match[1];
    }
  }
}

type Message = {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  sessionId?: string;
};

class Connection {
  #socket: WebSocket;
  #next = 1;
  #pending = new Map<number, (m: Message) => void>();
  readonly events: Message[] = [];
  #listeners: ((m: Message) => void)[] = [];

  constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => {
      const message: Message = JSON.parse(event.data);
      if (message.id !== undefined) this.#pending.get(message.id)?.(message);
      else {
        this.events.push(message);
        this.#listeners.forEach((l) => l(message));
      }
    };
  }

  static async open(url: string): Promise<Connection> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    return new Connection(socket);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Message> {
    const id = this.#next++;
    this.#socket.send(JSON.stringify({ id, method, params, sessionId }));
    return new Promise((resolve) => this.#pending.set(id, resolve));
  }

  waitFor(method: string): Promise<Message> {
    return new Promise((resolve) => this.#listeners.push((m) => m.method === method && resolve(m)));
  }

  close(): void {
    this.#socket.close();
  }
}

function errorsOf(events: readonly Message[]): string[] {
  return events.flatMap((event) => {
    const p = event.params ?? {};
    if (event.method === "Runtime.exceptionThrown") return [JSON.stringify(p.exceptionDetails)];
    if (
      event.method === "Runtime.consoleAPICalled" && ["error", "assert"].includes(String(p.type))
    ) {
      return [JSON.stringify(p.args)];
    }
    const entry = p.entry as { level?: string; text?: string; url?: string } | undefined;
    if (event.method === "Log.entryAdded" && entry?.level === "error") {
      return [`${entry.text} ${entry.url ?? ""}`];
    }
    return [];
  });
}

/** Loads `url` in a fresh headless Chromium and returns errors, screenshot and title. */
export async function visitPage(chromium: string, url: string): Promise<PageVisit> {
  const profile = await Deno.makeTempDir();
  const child = new Deno.Command(chromium, {
    args: [...FLAGS, `--user-data-dir=${profile}`, "about:blank"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const connection = await Connection.open(await devtoolsUrl(child.stderr));
  try {
    const target = await connection.send("Target.createTarget", { url: "about:blank" });
    const attached = await connection.send("Target.attachToTarget", {
      targetId: target.result!.targetId,
      flatten: true,
    });
    const session = attached.result!.sessionId as string;
    for (const domain of ["Page", "Runtime", "Log"]) {
      await connection.send(`${domain}.enable`, {}, session);
    }
    const loaded = connection.waitFor("Page.loadEventFired");
    await connection.send("Page.navigate", { url }, session);
    await loaded;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const shot = await connection.send("Page.captureScreenshot", {
      format: "png",
      captureBeyondViewport: true,
    }, session);
    const title = await connection.send(
      "Runtime.evaluate",
      { expression: "document.title" },
      session,
    );
    const screenshot = Uint8Array.from(atob(shot.result!.data as string), (c) => c.charCodeAt(0));
    const value = (title.result!.result as { value: string }).value;
    return { errors: errorsOf(connection.events), screenshot, title: value };
  } finally {
    connection.close();
    child.kill();
    await child.status;
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}
