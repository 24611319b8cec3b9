// The pack's entry point: construct the pack (constructing it starts the analyzer server), whose server converts
// each resource's properties once (lib/decode-once.ts).
import { PolicyPack } from "@pulumi/policy";
import { decodePropertiesOnce } from "./lib/decode-once";
import { allPolicies } from "./policies";

decodePropertiesOnce();

new PolicyPack("multi-agent-security", {
    description:
        "Enforces the multi-agent system security guide: one policy per enforceable control, tagged control:<ID>.",
    enforcementLevel: "mandatory",
    policies: allPolicies,
});
