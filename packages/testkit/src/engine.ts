import { existsSync } from 'node:fs';
import http from 'node:http';

/**
 * Whether a Docker engine answers here. Asked directly (a ping on the socket) because letting
 * testcontainers discover its absence takes many seconds per run.
 */
export async function dockerEngineAnswers(dockerHost: string | undefined, timeoutMs = 1500): Promise<boolean> {
  const target = dockerTarget(dockerHost);
  if (!target) return false;
  return new Promise((resolve) => {
    const req = http.request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function dockerTarget(dockerHost: string | undefined): { socketPath: string } | { host: string; port: number } | null {
  if (dockerHost?.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace('tcp://', 'http://'));
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  const socketPath = dockerHost?.startsWith('unix://') ? dockerHost.slice('unix://'.length) : '/var/run/docker.sock';
  return existsSync(socketPath) ? { socketPath } : null;
}
