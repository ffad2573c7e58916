/**
 * The layering rule in eslint.config.js catches what it promises: a real file of each layer,
 * given one forbidden import, fails lint with the layer's message; the file as it is passes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../src/stack/paths.ts';

const eslint = new ESLint({ cwd: repoRoot });

async function layerErrors(file: string, extraImport = ''): Promise<string[]> {
  const text = `${extraImport}${readFileSync(path.join(repoRoot, file), 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath: path.join(repoRoot, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layering rule', () => {
  it.each([
    ['src/pipeline/retry.ts', "import '../sinks/clickhouse/writer.ts';\n", 'src/pipeline/ may import only'],
    ['src/pipeline/retry.ts', "import '../sources/kafka/consumer.ts';\n", 'src/pipeline/ may import only'],
    [
      'src/sinks/clickhouse/sql-literals.ts',
      "import '../../transforms/shared/deadline-queue.ts';\n",
      'src/sinks/ may import only',
    ],
    ['src/simulate/random.ts', "import '../pipeline/retry.ts';\n", 'src/simulate/ may import only'],
    ['src/config/targets.ts', "import '../stack/paths.ts';\n", 'src/config/ may import only'],
    ['src/domain/werkdag.ts', "import '../events/facts.ts';\n", 'src/domain/ may import only its own folder'],
    ['src/sources/kafka/topics.ts', "import '../../main.ts';\n", 'only the CLI starts the processor'],
  ])(
    'refuses a forbidden import in %s',
    async (file, extraImport, message) => {
      expect(await layerErrors(file)).toEqual([]);
      const errors = await layerErrors(file, extraImport);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(message);
    },
    60_000,
  );
});
