import { ApiCallError, type ApiResponse } from './define.js';
import type { Input, MethodName, Output } from './contract.js';
import type { ApiEvent, EventName, EventPayload } from './events.js';

/** What a transport must do: send one call, and deliver pushed events. */
export interface Transport {
  invoke(method: string, input: unknown): Promise<ApiResponse<unknown>>;
  subscribe(listener: (e: ApiEvent) => void): () => void;
}

/** The renderer's typed client: the same code over Electron IPC and over the loopback socket. */
export class ApiClient {
  constructor(private readonly transport: Transport) {}

  async call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> {
    const res = await this.transport.invoke(method, input);
    if (!res.ok) throw new ApiCallError(res.error.code, res.error.message, res.error.issues);
    return res.value as Output<M>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.transport.subscribe((e) => {
      if (e.event === event) listener(e.payload as EventPayload<E>);
    });
  }
}
