// Account preconditions config can see (issue 22, item 6): the deploy runner's CodeConnections connection is a
// per-account, per-Region resource a person approves in that account first. A connection in another Region or
// in AWS's documentation account (the shipped placeholder) warns in a preview or offline plan and is refused by
// a real `pulumi up`. The connection's account against the deploying account is checked at run
// time (deployRunnerAccountCheck), where the account is known.
import { StackConfig } from "./keys";

/** Account ids AWS uses in its documentation: placeholders, never a real stack's account. */
export const DOCUMENTATION_ACCOUNTS = ["111122223333", "444455556666", "123456789012", "999999999999"];

/** Region and account of a CodeConnections / CodeStar Connections ARN. */
export function connectionArnParts(arn: string): { region: string; account: string } | undefined {
    const m = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):([a-z0-9-]+):(\d{12}):connection\/.+$/.exec(arn);
    return m ? { region: m[2], account: m[3] } : undefined;
}

export function preconditionFindings(
    cfg: Pick<StackConfig, "deployRunnerConnectionArn">,
    region: string,
    prefix: string,
    deploying: boolean,
): { problems: string[]; warnings: string[] } {
    const problems: string[] = [];
    const warnings: string[] = [];
    if (cfg.deployRunnerConnectionArn === "") {
        return { problems, warnings };
    }
    const parts = connectionArnParts(cfg.deployRunnerConnectionArn);
    const key = `${prefix}deployRunnerConnectionArn`;
    if (!parts) {
        problems.push(
            `${key}: expected a CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)`,
        );
        return { problems, warnings };
    }
    // A copied stack file keeps the placeholder connection (marked REPLACE): plans warn, a real update refuses.
    const refuse = (what: string) =>
        deploying ? problems.push(what) : warnings.push(`${what}; replace it before \`pulumi up\`, which refuses it`);
    if (parts.region !== region) {
        refuse(
            `${key}: the connection is in ${parts.region} but the stack deploys to ${region}; connections are per Region (create and approve one in ${region})`,
        );
    }
    if (DOCUMENTATION_ACCOUNTS.includes(parts.account)) {
        refuse(
            `${key}: ${parts.account} is an AWS documentation account, not yours; a connection belongs to the account that deploys and a person must approve it there (AVAILABLE) first`,
        );
    }
    return { problems, warnings };
}

/** Run-time check of the connection's account against the deploying account (refused only by a real update). */
export function connectionAccountMismatch(connectionArn: string, account: string): string | undefined {
    const parts = connectionArnParts(connectionArn);
    if (!parts || parts.account === account || DOCUMENTATION_ACCOUNTS.includes(parts.account)) {
        return undefined;
    }
    return `deployRunnerConnectionArn: the connection belongs to account ${parts.account} but the stack deploys to ${account}; connections are per account: create and approve one in ${account}`;
}
