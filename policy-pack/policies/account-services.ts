// accountServices: who owns the account-wide singletons (catalog/account-services.ts). In `adopt` a landing zone
// does: the stack must create none of them, and the policies that require them in a standalone account leave them
// to the evidence, which verifies them from the account (never a pass from the plan alone).

import type { PolicyResource } from "@pulumi/policy";
import { ACCOUNT_SERVICES, accountServiceOfType } from "../catalog/account-services";
import { AccountServices, accountServices, policyConfigFile, stackConfigFile } from "../lib/stack-config";
import { stackPolicy } from "./lib";

/** True when the stack adopts the account's services and `type` is one of their singletons. */
export function adoptedType(type: string, resources?: readonly PolicyResource[]): boolean {
    return accountServices(resources) === "adopt" && accountServiceOfType(type) !== undefined;
}

/** True when the stack adopts the account's services (the landing zone owns them). */
export function adoptsAccountServices(resources?: readonly PolicyResource[]): boolean {
    return accountServices(resources) === "adopt";
}

const POLICY = "platform-account-services-adopted";

export const adoptedServicesNotCreated = stackPolicy({
    name: POLICY,
    description:
        "With accountServices adopt, the stack creates none of the account-wide singletons a landing zone owns (Config recorder and delivery channel, GuardDuty detector, Security Hub and its standards, Macie, IAM Access Analyzer, the Shield Advanced subscription): a second one fails or takes over the landing zone's.",
    controls: [...new Set(ACCOUNT_SERVICES.flatMap((s) => s.controls))],
    severity: "high",
    // The security team may pin the mode: adopt turns the pack's checks of the singletons over to the account.
    configSchema: { properties: { accountServices: { type: "string", enum: ["create", "adopt"] } } },
    validate: (args, report) => {
        const pinned = args.getConfig<{ accountServices?: AccountServices }>().accountServices;
        const mode = accountServices(args.resources);
        if (pinned !== undefined && pinned !== mode) {
            report(
                `accountServices: the stack's config sets ${mode} (${stackConfigFile()}) but the policy config's ${POLICY} pins ${pinned} (${policyConfigFile()}): ${mode === "adopt" ? "adopting would leave GuardDuty, Config, Security Hub, Macie, Access Analyzer and Shield to an account owner the security team has not agreed to" : "the security team expects the landing zone's services"}`,
            );
        }
        if (mode !== "adopt") {
            return;
        }
        for (const r of args.resources) {
            const service = accountServiceOfType(r.type);
            if (service) {
                report(
                    `[${service.controls[0]}] ${r.type} ${r.name}: ${stackConfigFile()} sets accountServices adopt, so ${service.service} is the landing zone's (${service.ownerProvides}); this stack must not create its own`,
                    r.urn,
                );
            }
        }
    },
});
