// Cognito managed login: the app clients' branding.

import { asStrings, stackPolicy } from "../lib";
import { nameOf, ofType, T } from "./shared";

export const managedLoginBranding = stackPolicy({
    name: "cross-managed-login-branding",
    description:
        "With managed login (v2) on the user pool's domain, every app client that signs users in through it (code or implicit flow) has a branding style; without one the login pages are unavailable.",
    controls: ["AUTH-TOKEN"],
    severity: "high",
    validate: (args, report) => {
        const v2Pools = ofType(args.resources, T.domain)
            .filter((d) => Number(d.props.managedLoginVersion) === 2)
            .map((d) => d.props.userPoolId);
        const styled = new Set(ofType(args.resources, T.branding).map((b) => b.props.clientId));
        for (const c of ofType(args.resources, T.client)) {
            const interactive = asStrings(c.props.allowedOauthFlows).some((f) => f === "code" || f === "implicit");
            if (!interactive || !v2Pools.includes(c.props.userPoolId)) {
                continue;
            }
            if (!styled.has(c.props.id) && !styled.has(c.props.clientId)) {
                report(
                    `[AUTH-TOKEN] app client ${nameOf(c)} signs users in through managed login (v2) but has no aws.cognito.ManagedLoginBranding: its login pages are unavailable`,
                    c.urn,
                );
            }
        }
    },
});
