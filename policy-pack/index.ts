// The pack's entry point: constructing the pack starts its analyzer server (the engine connects to it).
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./policies";

new PolicyPack("multi-agent-security", {
    description:
        "Enforces the multi-agent system security guide: one policy per enforceable control, tagged control:<ID>.",
    enforcementLevel: "mandatory",
    policies: allPolicies,
});
