// components/config/preconditions.ts: the deploy runner's connection is in the deploying account and Region.
import { parseConfig, PROJECT } from "../components/config";
import { connectionAccountMismatch, connectionArnParts } from "../components/config/preconditions";

const P = PROJECT;
const arn = (region: string, account: string) =>
    `arn:aws:codeconnections:${region}:${account}:connection/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;

function run(connection: string, deploying: boolean): { problems: string[]; warnings: string[] } {
    const warnings: string[] = [];
    const raw = {
        [`${P}:alertEmails`]: JSON.stringify(["security@mas-agents.io"]),
        [`${P}:deployRunnerRepository`]: "my-org/my-repo",
        [`${P}:deployRunnerConnectionArn`]: connection,
    };
    try {
        parseConfig(raw, "eu-west-1", P, "test", { deploying, warn: (m) => warnings.push(m) });
        return { problems: [], warnings };
    } catch (e) {
        return { problems: (e as { problems: string[] }).problems, warnings };
    }
}

describe("deploy runner connection preconditions", () => {
    it("passes a connection in the stack's Region and a real account", () => {
        expect(run(arn("eu-west-1", "210987654321"), true)).toEqual({ problems: [], warnings: [] });
    });

    it("warns about a connection in another Region in a plan and refuses it in a real update", () => {
        const want = `${P}:deployRunnerConnectionArn: the connection is in us-east-1 but the stack deploys to eu-west-1; connections are per Region (create and approve one in eu-west-1)`;
        expect(run(arn("us-east-1", "210987654321"), false)).toEqual({
            problems: [],
            warnings: [`${want}; replace it before \`pulumi up\`, which refuses it`],
        });
        expect(run(arn("us-east-1", "210987654321"), true)).toEqual({ problems: [want], warnings: [] });
    });

    it("warns about the shipped documentation account in a plan and refuses it in a real update", () => {
        const what = `${P}:deployRunnerConnectionArn: 111122223333 is an AWS documentation account, not yours; a connection belongs to the account that deploys and a person must approve it there (AVAILABLE) first`;
        expect(run(arn("eu-west-1", "111122223333"), false)).toEqual({
            problems: [],
            warnings: [`${what}; replace it before \`pulumi up\`, which refuses it`],
        });
        expect(run(arn("eu-west-1", "111122223333"), true)).toEqual({ problems: [what], warnings: [] });
    });

    it("refuses something that is not a connection ARN", () => {
        expect(run("arn:aws:s3:::bucket", false).problems).toEqual([
            `${P}:deployRunnerConnectionArn: expected a CodeConnections connection ARN (got "arn:aws:s3:::bucket")`,
        ]);
    });

    it("names an account mismatch against the deploying account (checked at run time)", () => {
        expect(connectionArnParts(arn("eu-west-1", "210987654321"))).toEqual({
            region: "eu-west-1",
            account: "210987654321",
        });
        expect(connectionAccountMismatch(arn("eu-west-1", "210987654321"), "210987654321")).toBeUndefined();
        expect(connectionAccountMismatch(arn("eu-west-1", "210987654321"), "345678901234")).toBe(
            "deployRunnerConnectionArn: the connection belongs to account 210987654321 but the stack deploys to 345678901234; connections are per account: create and approve one in 345678901234",
        );
    });
});
