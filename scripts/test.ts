/**
 * `npm test`: everything a change must pass, in one command that also installs what it needs.
 * Steps: typecheck, lint, format, then on Node 24 (installed from the npm registry when the machine
 * has an older Node): the unit tests, `bereik --help`, the build with the compiled bereik run as
 * the image runs it (scripts/check-build.ts), and the integration tests against the real local
 * stack (installed and started by their global setup when it does not run yet).
 * Every step runs even when an earlier one failed, so one run shows every problem; the last line
 * is the total of passed and failed tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureNode24 } from './node24.ts';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, '.stack', 'test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

interface StepResult {
  name: string;
  ok: boolean;
  seconds: number;
}
const results: StepResult[] = [];

function step(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = run.status === 0;
  results.push({ name, ok, seconds: (Date.now() - started) / 1000 });
  return ok;
}

const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const vitest = (project: string, report: string, nodeBinary = process.execPath) =>
  [
    nodeBinary,
    [
      path.join(root, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${path.join(reports, report)}`,
    ],
  ] as const;

step('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
step('lint', bin('eslint'), ['--max-warnings', '0', '.']);
step('format', bin('prettier'), ['--check', '.']);

let node24: string | undefined;
try {
  node24 = ensureNode24();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  results.push({ name: 'install Node 24', ok: false, seconds: 0 });
}
if (node24 !== undefined) {
  // Processes the tests start (processors, the simulator) run on the same Node.
  const [unitNode, unitArgs] = vitest('unit', 'unit.json', node24);
  step('unit tests (Node 24)', unitNode, [...unitArgs]);
  step('bereik --help (Node 24)', node24, [path.join(root, 'bin', 'bereik.js'), '--help']);
  step('build, and the compiled bereik as the image runs it (Node 24)', node24, [
    '--import',
    'tsx',
    path.join(root, 'scripts', 'check-build.ts'),
  ]);
  const [integrationNode, integrationArgs] = vitest('integration', 'integration.json', node24);
  step('integration tests (real stack, Node 24)', integrationNode, [...integrationArgs]);
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
  }[];
}

/** The first lines of a failure, without the test runner's own stack frames. */
const firstLines = (text: string, lines = 12) =>
  text
    .split('\n')
    .filter((line) => !line.includes('node_modules') && !line.includes('(<anonymous>)'))
    .slice(0, lines)
    .map((line) => `      ${line}`)
    .join('\n');

let passed = 0;
let failed = 0;
// CI keeps only the end of the output, so the failures are repeated right above the summary.
const failures: string[] = [];
for (const report of ['unit.json', 'integration.json']) {
  const file = path.join(reports, report);
  if (!existsSync(file)) continue;
  const json = JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  for (const testFile of json.testResults) {
    const where = path.relative(root, testFile.name);
    const failedTests = testFile.assertionResults.filter((t) => t.status === 'failed');
    for (const t of failedTests)
      failures.push(`  ${where} > ${t.fullName}\n${firstLines(t.failureMessages.join('\n'))}`);
    // A file that failed with no failed test did not load or failed in a hook.
    if (testFile.status === 'failed' && failedTests.length === 0)
      failures.push(`  ${where}\n${firstLines(testFile.message ?? 'failed outside its tests')}`);
  }
}
const failedSteps = results.filter((r) => !r.ok);

if (failures.length > 0) console.log(`\n=== failed tests\n${failures.join('\n')}`);
console.log('\n=== summary');
for (const r of results)
  console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(34)} ${r.seconds.toFixed(1)} s`);
// A failed step with no failed test (typecheck, lint, a crashed runner) still fails the run.
if (failedSteps.length > 0 && failed === 0) failed = failedSteps.length;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedSteps.length === 0 && failed === 0 ? 0 : 1);
