/**
 * Wraps a port whose adapter is created asynchronously (and may load a vendor SDK) so that it is created on
 * the first method call, once. A tool run that never calls the port never loads the SDK.
 */
export function lazyPort<T extends object>(create: () => Promise<T>): T {
  let instance: Promise<T> | undefined;
  return new Proxy({} as T, {
    get(_target, property) {
      if (property === 'then') return undefined; // not a thenable: `await lazyPort(...)` must return the proxy
      return async (...args: unknown[]) => {
        instance ??= create();
        const target = (await instance) as Record<PropertyKey, unknown>;
        const member = target[property];
        if (typeof member !== 'function') return member;
        return (member as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
