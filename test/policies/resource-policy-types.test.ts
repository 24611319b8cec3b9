import { AnalyzerSession, Requests } from "../../tools/lib/analyzer";
import { PACK_DIR } from "../../tools/lib/audit";
import { resourcePolicy } from "../../policy-pack/policies/lib";
import { stateResource } from "../harness/state";

// A resource policy of one type carries that type the way @pulumi/policy's validateResourceOfType marks it, so
// the analyzer server skips it for every other type without building its arguments; one of several types is
// filtered inside. Either way the engine hears "not applicable" for other types, not "passed".
describe("resource policy types", () => {
    function policy(types: string[]) {
        const seen: string[] = [];
        const p = resourcePolicy({
            name: "network-subnet-in-segment",
            description: "test",
            controls: ["NET-SEG-AGENT"],
            severity: "high",
            types,
            validate: (args) => void seen.push(args.type),
        });
        const reasons: string[] = [];
        const call = (type: string) => {
            const notApplicable = (reason: string) => {
                reasons.push(reason);
                throw new Error("not applicable");
            };
            try {
                (p.validateResource as (a: unknown, r: unknown) => void)({ type, notApplicable }, () => {});
            } catch (e) {
                expect((e as Error).message).toBe("not applicable");
            }
        };
        return { validate: p.validateResource as unknown as { __pulumiType?: string }, call, seen, reasons };
    }

    it("marks a single type for the server and still checks it", () => {
        const { validate, call, seen, reasons } = policy(["aws:ec2/subnet:Subnet"]);
        expect(validate.__pulumiType).toBe("aws:ec2/subnet:Subnet");
        call("aws:ec2/vpc:Vpc");
        call("aws:ec2/subnet:Subnet");
        expect(seen).toEqual(["aws:ec2/subnet:Subnet"]);
        expect(reasons).toEqual(["Policy only applies to resources of type 'aws:ec2/subnet:Subnet'"]);
    });

    it("leaves several types unmarked and validates each of them only", () => {
        const { validate, call, seen, reasons } = policy(["aws:lb/listener:Listener", "aws:alb/listener:Listener"]);
        expect(validate.__pulumiType).toBeUndefined();
        for (const t of ["aws:lb/listener:Listener", "aws:ec2/vpc:Vpc", "aws:alb/listener:Listener"]) {
            call(t);
        }
        expect(seen).toEqual(["aws:lb/listener:Listener", "aws:alb/listener:Listener"]);
        expect(reasons).toEqual([
            "Policy only applies to resources of types 'aws:lb/listener:Listener', 'aws:alb/listener:Listener'",
        ]);
    });

    it("are named not applicable to other types by the pack's server", async () => {
        const session = await AnalyzerSession.start(PACK_DIR, {
            stack: "prod",
            project: "multi-agent-security",
        });
        const info = await session.info();
        await session.configure(info.policies, {}, info.initialConfig);
        const vpc = stateResource("urn:pulumi:prod::multi-agent-security::aws:ec2/vpc:Vpc::mas-vpc", {
            inputs: { cidrBlock: "10.0.0.0/16" },
        });
        const req = new Requests([vpc]).analyze(vpc);
        const resp = await (
            session as unknown as {
                call(
                    m: string,
                    r: unknown,
                ): Promise<{ getNotApplicableList(): { getPolicyName(): string; getReason(): string }[] }>;
            }
        ).call("analyze", req);
        const notApplicable = new Map(resp.getNotApplicableList().map((n) => [n.getPolicyName(), n.getReason()]));
        expect(notApplicable.get("network-firewall-policy")).toBe(
            "Policy only applies to resources of type 'aws:networkfirewall/firewallPolicy:FirewallPolicy'",
        );
        // Several types: the policy says so itself.
        expect(notApplicable.get("network-alb-listener-tls13")).toBe(
            "Policy only applies to resources of types 'aws:lb/listener:Listener', 'aws:alb/listener:Listener'",
        );
        await session.close();
    });
});
