// accountServices: who owns the account-wide singletons (catalog/account-services.ts). In `adopt` a landing zone
// does: the stack must create none of them, and the policies that require them in a standalone account leave them
// to the evidence, which verifies them from the account (never a pass from the plan alone).

import { ACCOUNT_SERVICES, accountServiceOfType } from "../catalog/account-services";
import { accountServices, stackConfigFile } from "../lib/stack-config";
import { stackPolicy } from "./lib";

/** True when the stack adopts the account's services and `type` is one of their singletons. */
export function adoptedType(type: string): boolean {
    return accountServices() === "adopt" && accountServiceOfType(type) !== undefined;
}

/** True when the stack adopts the account's services (the landing zone owns them). */
export function adoptsAccountServices(): boolean {
    return accountServices() === "adopt";
}

export const adoptedServicesNotCreated = stackPolicy({
    name: "platform-account-services-adopted",
    description:
        "With accountServices adopt, the stack creates none of the account-wide singletons a landing zone owns (Config recorder and delivery channel, GuardDuty detector, Security Hub and its standards, Macie, IAM Access Analyzer, the Shield Advanced subscription): a second one fails or takes over the landing zone's.",
    controls: [...new Set(ACCOUNT_SERVICES.flatMap((s) => s.controls))],
    severity: "high",
    validate: (args, report) => {
        if (!adoptsAccountServices()) {
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
