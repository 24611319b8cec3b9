import * as path from "path";
import { REPO_ROOT } from "./lib/audit";
import { runUnderMocks } from "./lib/program";
import { readStackConfig } from "./lib/stack-config";
(async () => {
  const sc = readStackConfig(REPO_ROOT, "prod");
  const t = Date.now();
  await runUnderMocks({ project: sc.project, stack: "prod", config: sc.config, secretKeys: sc.secretKeys, load: () => require(path.join(REPO_ROOT, "index")) });
  process.stderr.write(`program ${Date.now() - t}\n`);
})();
