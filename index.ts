import { loadConfig } from "./components/config";
import { agentProgram } from "./programs/agents";
import { platformProgram } from "./programs/platform";

// Validate all config first: a bad value fails here, before any resource is registered. The stack's role comes
// from its config: with `platformStack` it is an agent stack (only its agents' parts, joined to the platform
// through a StackReference), without it the platform (README "Split an estate"). The program's return value is
// the stack's outputs.
const cfg = loadConfig();
export = cfg.platformStack ? agentProgram(cfg) : platformProgram(cfg);
