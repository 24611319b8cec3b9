// One source of truth for the address plan: the stack's config. The policy config may pin it (the security
// team's copy); a pin the stack does not match is a violation naming both values and both files.

import { PolicyConfigSchema } from "@pulumi/policy";
import { SEGMENTS, SegmentName } from "../../catalog";
import { policyConfigFile, SEGMENT_CONFIG_KEY, stackAddressPlan, stackConfigFile } from "../../lib/stack-config";
import { networkDesign } from "../../catalog/network";
import { isCidr, parseCidr } from "../../lib/cidr";
import { stackPolicy } from "../lib";
import { SEGMENT_CONTROL } from "./shared";

const POLICY = "network-address-plan";

/** No defaults: an unset pin pins nothing. */
const pinSchema: PolicyConfigSchema = {
    properties: {
        vpcCidr: { type: "string" },
        segments: {
            type: "object",
            properties: Object.fromEntries(SEGMENTS.map((s) => [s, { type: "string" }])),
            additionalProperties: false,
        },
        adminCidrs: { type: "array", items: { type: "string" } },
    },
};

interface Pins {
    vpcCidr?: string;
    segments?: Partial<Record<SegmentName, string>>;
    adminCidrs?: string[];
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export const addressPlanPins = stackPolicy({
    name: POLICY,
    description:
        "The pack takes the address plan (vpcCidr, the three segment CIDRs) and the admin CIDRs from the stack's own config; where the policy config pins one, the stack's value equals the pin.",
    controls: ["NET-SEG-AGENT", "NET-SEG-SERVICE", "NET-SEG-MGMT"],
    severity: "high",
    configSchema: pinSchema,
    validate: (args, report) => {
        const pins = args.getConfig<Pins>();
        // A misspelt pin must not pass as a pin (the engine does not check properties a schema does not name).
        const unknown = [
            ...Object.keys(pins).filter((k) => !["vpcCidr", "segments", "adminCidrs", "enforcementLevel"].includes(k)),
            ...Object.keys(pins.segments ?? {})
                .filter((k) => !(SEGMENTS as string[]).includes(k))
                .map((k) => `segments.${k}`),
        ];
        for (const k of unknown) {
            report(
                `${POLICY} has no setting ${k} (it pins vpcCidr, segments.agent / service / management and adminCidrs): the pin would be ignored`,
            );
        }
        const plan = stackAddressPlan(args.resources);
        const pinned = pins.vpcCidr !== undefined || pins.segments !== undefined || pins.adminCidrs !== undefined;
        if (plan.source === "none") {
            if (pinned) {
                report(
                    "neither the stack's config nor its stackSettings output reached the pack, so the policy config's pins cannot be checked against the stack's address plan (run the pack with `pulumi preview --policy-pack`, or on a state whose root stack exports stackSettings)",
                );
            }
            return;
        }
        const stackFile = stackConfigFile();
        const policyFile = `the policy config's ${POLICY} (${policyConfigFile()}, --policy-pack-config)`;
        // No control prefix: the audit then names every control of the policy (a VPC pin concerns all three).
        const mismatch = (control: string | undefined, key: string, stackValue: string, pinned: string) =>
            report(
                `${control ? `[${control}] ` : ""}${key}: ${plan.source === "config" ? `the stack's config sets ${stackValue} (${stackFile})` : `the stack's stackSettings output holds ${stackValue}`} but ${policyFile} pins ${pinned}; the security team's pin and the stack's address plan must agree (change one of the two files)`,
            );
        for (const s of SEGMENTS) {
            const pinned = pins.segments?.[s];
            if (pinned !== undefined && pinned !== plan.segments[s]) {
                mismatch(SEGMENT_CONTROL[s], SEGMENT_CONFIG_KEY[s], plan.segments[s], pinned);
            }
        }
        if (pins.vpcCidr !== undefined && pins.vpcCidr !== plan.vpcCidr) {
            mismatch(undefined, "vpcCidr", plan.vpcCidr, pins.vpcCidr);
        }
        for (const c of plan.adminCidrs.filter(
            (x) => isCidr(x) && parseCidr(x).prefix < networkDesign.adminCidrWidestPrefix,
        )) {
            report(
                `[NET-SEG-MGMT] adminCidrs: ${c} is wider than a /${networkDesign.adminCidrWidestPrefix}: it admits a share of the internet to the management segment, not the administrators' networks`,
            );
        }
        if (pins.adminCidrs !== undefined && !sameSet(pins.adminCidrs, plan.adminCidrs)) {
            mismatch("NET-SEG-MGMT", "adminCidrs", JSON.stringify(plan.adminCidrs), JSON.stringify(pins.adminCidrs));
        }
    },
});
