/**
 * The contract of backend plugins: `create` starts a tfjs backend; `availability` tells
 * `backend: "auto"` whether this machine can run it and how much to prefer it.
 *
 * @module
 */

/** A started compute backend: the tfjs backend is set and verified to be active. */
export interface BackendInstance {
  /** The tfjs backend name that is now active (e.g. `wasm`). */
  readonly tfBackend: string;
  /** A line describing the device, for reports. */
  readonly description: string;
}

/** Whether a backend can run here, and how much `auto` prefers it (highest wins). */
export interface BackendAvailability {
  readonly available: boolean;
  /** E.g. `cpu` 0, `wasm` 10, `webgpu` on a hardware adapter 20. */
  readonly priority: number;
  /** Why it is unavailable or ranked low, for logs. */
  readonly reason?: string;
}

/** What a backend plugin may have besides the common plugin members. */
export interface BackendHooks {
  /**
   * Checked by `backend: "auto"` without starting the backend. A backend plugin without it
   * is used only when named.
   */
  readonly availability?: () => Promise<BackendAvailability>;
}
