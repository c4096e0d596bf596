// The process convergeTreeApart runs: node --import tsx converge-tree-main.ts <tree> <source>.
// Prints what it did as JSON; on failure, the error on stderr and a non-zero exit.
import { convergeTree } from './converge-tree';

const [tree, source] = process.argv.slice(2);
if (!tree || !source) {
  console.error('Usage: converge-tree-main.ts <tree> <source>: makes the folder <tree> equal to <source>.');
  process.exit(2);
}
process.stdout.write(JSON.stringify(convergeTree(tree, source)));
