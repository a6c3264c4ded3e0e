import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * A V8 CPU profile of a chosen window (start..stop) inside the server child, unlike --cpu-prof,
 * which would also record tsx compiling and loading every module at start-up.
 */
export function createProfiler() {
  let session: Session | undefined;
  return {
    async start() {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    },
    async stop(path: string) {
      if (!session) throw new Error('profiler not started');
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = undefined;
      writeFileSync(path, JSON.stringify(profile));
    },
  };
}
