import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// n8n-core's InstanceSettings writes `<N8N_USER_FOLDER>/.n8n/config` when first loaded: this
// module is imported before n8n-core so that file lands in a throwaway folder.
const userFolder = mkdtempSync(join(tmpdir(), 'n8n-harness-'));
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
// n8n's ErrorReporter logs every node error; tests assert on errors instead of reading logs.
process.env.N8N_LOG_LEVEL ??= 'silent';
process.on('exit', () => rmSync(userFolder, { recursive: true, force: true }));
