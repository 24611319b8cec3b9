// The pack's entry point: construct the pack and nothing else (constructing it starts the analyzer server).
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("multi-agent-security", {
    description:
        "Enforces the multi-agent system security guide: one policy per enforceable control, tagged control:<ID>.",
    enforcementLevel: "mandatory",
    policies: allPolicies,
});
