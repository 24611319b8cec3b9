// The policy pack on an agent stack: a plan of the real program against the prod platform's plan passes with
// nothing but its own state (the platform's facts come from its StackReference), and each break of the contract
// between the stacks is a mandatory violation naming its control and the principal or resource.
import type { AuditReport, Violation } from "../../tools/lib/audit";
import type { ProgramRun } from "../../tools/lib/program";
import type { StackReferenceValue } from "../../tools/lib/stack-refs";
import {
    auditState,
    mandatory,
    platformReference,
    record,
    Records,
    runAgentStack,
    runStack,
    setProp,
    stateOf,
} from "../harness/agent-stack";
import { tempDir } from "../harness/program";

const STACK = "agents-a";
const ACCT = "123456789012";
const AGENTS = ["coordinator-a", "task-executor-a1", "task-executor-a2"];
const tmp = tempDir("agents-pack-");

const ROLE = "aws:iam/role:Role";
const KEY = "aws:kms/key:Key";
const AUTHZ = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RB = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const SR = "pulumi:pulumi:StackReference";
const PI = "aws:eks/podIdentityAssociation:PodIdentityAssociation";

/** A new record like `like` (same parent and provider) of another type and name. */
function addRecord(records: Records, like: Records[number], type: string, name: string, props: Record<string, any>) {
    const urn = like.urn.replace(/[^$:]+:[^:]+:[^:]+::[^:]+$/, `${type}::${name}`);
    records.push({ ...JSON.parse(JSON.stringify(like)), urn, type, inputs: { ...props }, outputs: { ...props } });
}

/** An inline role policy (aws.iam.RolePolicy) on `role` granting `statement`. */
function grant(records: Records, roleName: string, statement: Record<string, unknown>) {
    const role = record(records, ROLE, roleName);
    addRecord(records, role, "aws:iam/rolePolicy:RolePolicy", `${roleName}-extra`, {
        name: `${roleName}-extra`,
        role: role.outputs.name,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] }),
    });
}

const lines = (vs: Violation[]) => vs.map((v) => `${v.policy} ${v.control}: ${v.message.split("\n")[0]}`);

describe("policy pack on an agent stack", () => {
    let platform: ProgramRun;
    let ref: StackReferenceValue;
    let run: ProgramRun;
    const audit = (edit?: (r: Records) => void, stack = STACK, of = () => run) =>
        auditState(stateOf(of(), stack, edit), stack);
    const payload = () =>
        (ref.outputs.agentPlatform as { data: { payloadKeyArn: string; payloadSecretArn: string } }).data;
    const broken = async (edit: (r: Records) => void): Promise<Violation[]> => mandatory(await audit(edit));

    beforeAll(async () => {
        platform = await runStack("prod");
        ref = platformReference(platform, tmp);
        run = await runAgentStack(STACK, AGENTS, ref);
    });

    it("passes a compliant agent stack with its own state alone: no platform-only check applies to it", async () => {
        const report: AuditReport = await audit();
        expect(lines(mandatory(report))).toEqual([]);
        // The platform's stack-wide checks are not applicable here; the agent-stack checks are.
        const names = report.policies.map((p) => p.name);
        expect(names).toEqual(expect.arrayContaining(["agent-stack-role-scope", "operations-security-hub"]));
        expect(report.summary.resources).toBe(run.resources.length + 1);
    });

    it("passes with one more agent built like the others and with a stricter quota", async () => {
        const more = await runAgentStack(STACK, [...AGENTS, "task-executor-a3"], ref);
        expect(lines(mandatory(await audit(undefined, STACK, () => more)))).toEqual([]);
        const strict = await runAgentStack(STACK, AGENTS, ref, {
            agentQuotaPods: 4,
            agentQuotaCpu: "2",
            agentQuotaMemory: "4Gi",
        });
        expect(lines(mandatory(await audit(undefined, STACK, () => strict)))).toEqual([]);
    });

    it("catches an agent role granted another agent's data", async () => {
        const vs = await broken((r) =>
            grant(r, "mas-agent-coordinator-a", {
                Action: ["s3:GetObject"],
                Resource: "arn:aws:s3:::mas-prod-agent-data/task-executor-b1/*",
            }),
        );
        expect(lines(vs)).toEqual([
            "agent-stack-role-scope ACC-DATA-AGENT-READ: agent role mas629026-agents-a-agent-coordinator-a (agent coordinator-a): role policy mas-agent-coordinator-a-extra grants s3:GetObject on arn:aws:s3:::mas-prod-agent-data/task-executor-b1/*: data that is not its own",
        ]);
    });

    it("catches a policy of this stack or an AWS managed policy attached to an agent role", async () => {
        const vs = await broken((r) => {
            const role = record(r, ROLE, "mas-agent-task-executor-a1");
            const arn = "arn:aws:iam::123456789012:policy/mas629026-agents-a-extra-data";
            addRecord(r, role, "aws:iam/policy:Policy", "mas-extra-data", {
                name: "mas629026-agents-a-extra-data",
                arn,
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: "s3:PutObject",
                            Resource: "arn:aws:s3:::mas-prod-agent-data/planner/*",
                        },
                    ],
                }),
            });
            addRecord(r, role, "aws:iam/policyAttachment:PolicyAttachment", "mas-extra-data", {
                name: "extra-data",
                policyArn: arn,
                roles: [role.outputs.name],
            });
            addRecord(r, role, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "mas-admin", {
                policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
                role: role.outputs.name,
            });
        });
        expect(lines(vs).filter((l) => l.startsWith("agent-stack-role-scope"))).toEqual([
            "agent-stack-role-scope RBAC-AGENT-PERMS: agent role mas629026-agents-a-agent-task-executor-a1 attaches arn:aws:iam::aws:policy/AdministratorAccess, neither the platform's agent policy (arn:aws:iam::123456789012:policy/mas-prod-agent) nor a policy of this stack: its grants cannot be held to the agent's own data and keys",
            "agent-stack-role-scope ACC-DATA-AGENT-WRITE: agent role mas629026-agents-a-agent-task-executor-a1 (agent task-executor-a1): policy mas629026-agents-a-extra-data grants s3:PutObject on arn:aws:s3:::mas-prod-agent-data/planner/*: data that is not its own",
        ]);
    });

    it("lets an agent role reach its own prefix of agent_data, read metrics_data and use the payload key as the message-crypto policy does", async () => {
        const vs = await broken((r) => {
            grant(r, "mas-agent-coordinator-a", {
                Action: ["s3:GetObject", "s3:PutObject"],
                Resource: `arn:aws:s3:::mas-prod-agent-data-${ACCT}-eu-west-1/coordinator-a/*`,
            });
            grant(r, "mas-agent-task-executor-a1", {
                Action: ["s3:GetObject"],
                Resource: `arn:aws:s3:::mas-prod-metrics-data-${ACCT}-eu-west-1/*`,
            });
            grant(r, "mas-agent-task-executor-a2", {
                Action: ["kms:Encrypt"],
                Resource: payload().payloadKeyArn,
                Condition: { StringEquals: { "kms:EncryptionContext:sender": "task-executor-a2" } },
            });
        });
        expect(lines(vs).filter((l) => l.startsWith("agent-stack-role-scope"))).toEqual([]);
    });

    it("catches grants on the payload key and secret beyond the message-crypto statements, and on other buckets under its own prefix", async () => {
        const { payloadKeyArn: key, payloadSecretArn: secret } = payload();
        const vs = await broken((r) => {
            grant(r, "mas-agent-coordinator-a", { Action: ["kms:*"], Resource: key });
            grant(r, "mas-agent-task-executor-a1", {
                Action: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
                Resource: secret,
            });
            grant(r, "mas-agent-task-executor-a2", { Action: ["kms:Decrypt"], Resource: key });
        });
        const more = await broken((r) => {
            grant(r, "mas-agent-coordinator-a", { Action: ["s3:*"], Resource: "arn:aws:s3:::*/coordinator-a/*" });
            grant(r, "mas-agent-task-executor-a1", {
                Action: ["s3:DeleteObject"],
                Resource: "arn:aws:s3:::mas-logging-audit-a30902b/task-executor-a1/*",
            });
            grant(r, "mas-agent-task-executor-a2", {
                Action: ["s3:PutObject"],
                Resource: `arn:aws:s3:::mas-prod-metrics-data-${ACCT}-eu-west-1/*`,
            });
        });
        expect(lines([...vs, ...more]).filter((l) => l.startsWith("agent-stack-role-scope"))).toEqual([
            `agent-stack-role-scope MSG-PAYLOAD-KEY-STORAGE: agent role mas629026-agents-a-agent-coordinator-a (agent coordinator-a): role policy mas-agent-coordinator-a-extra grants kms:* on ${key}: kms:* is not one of the message-crypto grants on the platform's payload key (kms:encrypt, kms:generatedatakey, kms:decrypt)`,
            `agent-stack-role-scope MSG-PAYLOAD-KEY-STORAGE: agent role mas629026-agents-a-agent-task-executor-a1 (agent task-executor-a1): role policy mas-agent-task-executor-a1-extra grants secretsmanager:GetSecretValue, secretsmanager:PutSecretValue on ${secret}: secretsmanager:PutSecretValue is not one of the message-crypto grants on the platform's payload secret (secretsmanager:getsecretvalue, secretsmanager:describesecret)`,
            `agent-stack-role-scope MSG-PAYLOAD-KEY-STORAGE: agent role mas629026-agents-a-agent-task-executor-a2 (agent task-executor-a2): role policy mas-agent-task-executor-a2-extra grants kms:Decrypt on ${key}: kms:Decrypt on the platform's payload key lacks the message-crypto condition (encrypt: kms:EncryptionContext:sender = the caller; decrypt: through Secrets Manager or with a sender in the encryption context)`,
            "agent-stack-role-scope ACC-DATA-AGENT-WRITE: agent role mas629026-agents-a-agent-coordinator-a (agent coordinator-a): role policy mas-agent-coordinator-a-extra grants s3:* on arn:aws:s3:::*/coordinator-a/*: data that is not its own",
            "agent-stack-role-scope ACC-DATA-AGENT-WRITE: agent role mas629026-agents-a-agent-task-executor-a1 (agent task-executor-a1): role policy mas-agent-task-executor-a1-extra grants s3:DeleteObject on arn:aws:s3:::mas-logging-audit-a30902b/task-executor-a1/*: data that is not its own",
            `agent-stack-role-scope ACC-DATA-AGENT-WRITE: agent role mas629026-agents-a-agent-task-executor-a2 (agent task-executor-a2): role policy mas-agent-task-executor-a2-extra grants s3:PutObject on arn:aws:s3:::mas-prod-metrics-data-${ACCT}-eu-west-1/*: data that is not its own`,
        ]);
    });

    it("holds an untagged role to an agent's scope and reports its tags; holds Pod Identity to this stack's agent roles, without role chaining", async () => {
        const vs = await broken((r) => {
            setProp(record(r, ROLE, "mas-agent-coordinator-a"), "tags", {});
            grant(r, "mas-agent-coordinator-a", {
                Action: ["s3:GetObject"],
                Resource: `arn:aws:s3:::mas-prod-agent-data-${ACCT}-eu-west-1/task-executor-a1/*`,
            });
            setProp(
                record(r, PI, "mas-pod-identity-task-executor-a1"),
                "roleArn",
                `arn:aws:iam::${ACCT}:role/mas-prod-system-admin`,
            );
            setProp(
                record(r, PI, "mas-pod-identity-task-executor-a2"),
                "targetRoleArn",
                "arn:aws:iam::999999999999:role/OrganizationAccountAccessRole",
            );
        });
        expect(lines(vs)).toEqual([
            `agent-stack-role-scope RBAC-AGENT-PERMS: role mas629026-agents-a-agent-coordinator-a is tagged rbac-role=null, platform-stack=null: every role of an agent stack is an agent role of its platform (rbac-role=agent, platform-stack=prod), held to an agent's scope`,
            `agent-stack-role-scope ACC-DATA-AGENT-READ: agent role mas629026-agents-a-agent-coordinator-a (agent coordinator-a): role policy mas-agent-coordinator-a-extra grants s3:GetObject on arn:aws:s3:::mas-prod-agent-data-${ACCT}-eu-west-1/task-executor-a1/*: data that is not its own`,
            `agent-stack-pod-identity RBAC-AGENT-NS: Pod Identity association mas-pod-identity-task-executor-a1 gives agent-task-executor-a1/task-executor-a1 role arn:aws:iam::${ACCT}:role/mas-prod-system-admin: not an agent role of this stack`,
            "agent-stack-pod-identity RBAC-AGENT-NS: Pod Identity association mas-pod-identity-task-executor-a2 chains to target role arn:aws:iam::999999999999:role/OrganizationAccountAccessRole: an agent's pods get their own agent role only, no role chaining",
        ]);
    });

    it("refuses names under the platform's prefix (mas-prod-), which the platform's rights read as its own", async () => {
        const vs = await broken((r) => {
            setProp(record(r, ROLE, "mas-agent-coordinator-a"), "name", "mas-prod-agent-coordinator-a");
            setProp(
                record(r, "aws:iam/policy:Policy", "mas-message-agent-message-crypto"),
                "name",
                "mas-prod-agent-message-crypto",
            );
        });
        expect(
            lines(vs)
                .filter((l) => l.includes("platform's prefix"))
                .sort(),
        ).toEqual([
            "agent-stack-role-scope RBAC-AGENT-PERMS: Policy mas-prod-agent-message-crypto is named under the platform's prefix mas-prod-: an agent stack's names use its own prefix (mas<hash>-<stack>), never its platform's",
            "agent-stack-role-scope RBAC-AGENT-PERMS: Role mas-prod-agent-coordinator-a is named under the platform's prefix mas-prod-: an agent stack's names use its own prefix (mas<hash>-<stack>), never its platform's",
        ]);
    });

    it("catches an agent role that may sign with another agent's key, of this stack or another", async () => {
        const vs = await broken((r) => {
            const other = record(r, KEY, "mas-message-signing-task-executor-a1").outputs.arn as string;
            grant(r, "mas-agent-coordinator-a", { Action: "kms:Sign", Resource: [other] });
            grant(r, "mas-agent-task-executor-a2", {
                Action: "kms:Sign",
                Resource: "arn:aws:kms:eu-west-1:123456789012:key/0000-agents-b-coordinator-b",
            });
        });
        const scope = lines(vs).filter((l) => l.startsWith("agent-stack-role-scope"));
        expect(scope).toHaveLength(2);
        expect(scope[0]).toMatch(
            /^agent-stack-role-scope MSG-SIG-ALG: agent role mas629026-agents-a-agent-coordinator-a \(agent coordinator-a\): .* grants kms:Sign on arn:aws:kms:.*: the signing key of agent task-executor-a1$/,
        );
        expect(scope[1]).toMatch(
            /^agent-stack-role-scope MSG-SIG-ALG: agent role mas629026-agents-a-agent-task-executor-a2 \(agent task-executor-a2\): .*:key\/0000-agents-b-coordinator-b: a key that is neither its own signing key nor the platform's payload key$/,
        );
    });

    it("catches a signing key whose key policy lets another agent's role sign", async () => {
        const vs = await broken((r) => {
            const key = record(r, KEY, "mas-message-signing-task-executor-a1");
            const doc = JSON.parse(key.outputs.policy as string);
            doc.Statement.push({
                Sid: "Borrow",
                Effect: "Allow",
                Principal: { AWS: record(r, ROLE, "mas-agent-coordinator-a").outputs.arn },
                Action: "kms:Sign",
                Resource: "*",
            });
            setProp(key, "policy", JSON.stringify(doc));
        });
        expect(lines(vs)).toEqual([
            "agent-stack-message-keys MSG-SIG-ALG: the key policy of agent task-executor-a1's signing key mas-message-signing-task-executor-a1 grants kms:Sign to arn:aws:iam::123456789012:role/mas629026-agents-a-agent-coordinator-a: a signing key is its agent's alone",
        ]);
    });

    it("catches an agent role without the platform's permissions boundary", async () => {
        const vs = await broken((r) =>
            setProp(record(r, ROLE, "mas-agent-task-executor-a2"), "permissionsBoundary", undefined),
        );
        expect(lines(vs)).toEqual([
            // The resource policy names no boundary ARN; the agent-stack check names the platform's.
            "identity-role-permissions-boundary IAM-BOUNDARY,IAM-PAM: role has no permissionsBoundary; attach the stack's permissions boundary (identity.permissionsBoundaryArn)",
            "agent-stack-role-scope IAM-BOUNDARY: role mas629026-agents-a-agent-task-executor-a2 has permissions boundary null; every role of an agent stack carries its platform's boundary arn:aws:iam::123456789012:policy/mas-prod-permissions-boundary (contract identity.permissionsBoundaryArn)",
        ]);
    });

    it("catches a RoleBinding to cluster-admin or to a ClusterRole outside the contract", async () => {
        const vs = await broken((r) => {
            setProp(record(r, RB, "mas-agent-coordinator-a"), "roleRef", {
                apiGroup: "rbac.authorization.k8s.io",
                kind: "ClusterRole",
                name: "cluster-admin",
            });
            setProp(record(r, RB, "mas-agent-task-executor-a1"), "roleRef", {
                apiGroup: "rbac.authorization.k8s.io",
                kind: "ClusterRole",
                name: "mas:operator",
            });
        });
        const rbac = lines(vs).filter((l) => l.startsWith("agent-stack-rbac"));
        expect(rbac).toEqual([
            "agent-stack-rbac RBAC-AGENT-NS: RoleBinding agent-coordinator-a/agent binds ClusterRole cluster-admin (Kubernetes' superuser role), which the platform's contract does not define for agent namespaces (mas:agent, mas:resource-manager-allocate)",
            "agent-stack-rbac RBAC-AGENT-NS: RoleBinding agent-task-executor-a1/agent binds ClusterRole mas:operator, which the platform's contract does not define for agent namespaces (mas:agent, mas:resource-manager-allocate)",
        ]);
        // The effective RBAC reads both as what they grant: everything, and "defined nowhere".
        const effective = lines(vs).filter((l) => l.startsWith("identity-k8s-effective-rbac"));
        expect(effective).toHaveLength(2);
        expect(effective[0]).toMatch(
            /^identity-k8s-effective-rbac RBAC-AGENT-NS: ServiceAccount agent-coordinator-a\/coordinator-a can .* through RoleBinding agent-coordinator-a\/agent → ClusterRole cluster-admin,/,
        );
        expect(effective[1]).toContain("ClusterRole mas:operator (defined nowhere: read as granting everything)");
    });

    it("catches an allow rule admitting another stack's executor or another trust domain", async () => {
        const setPrincipals = (r: Records, principals: (own: string[]) => string[]) => {
            const p = record(r, AUTHZ, "mas-coordinator-a-allow-tasks");
            const spec = JSON.parse(JSON.stringify(p.outputs.spec));
            const own = spec.rules[0].from[0].source.principals as string[];
            expect(own).toEqual([
                "cluster.local/ns/agent-task-executor-a1/sa/task-executor-a1",
                "cluster.local/ns/agent-task-executor-a1/sa/task-executor-a1-*",
                "cluster.local/ns/agent-task-executor-a2/sa/task-executor-a2",
                "cluster.local/ns/agent-task-executor-a2/sa/task-executor-a2-*",
            ]);
            spec.rules[0].from[0].source.principals = principals(own);
            setProp(p, "spec", spec);
        };
        const stranger = await broken((r) =>
            setPrincipals(r, (own) => [...own, "cluster.local/ns/agent-task-executor-b1/sa/task-executor-b1"]),
        );
        expect(lines(stranger)).toEqual([
            expect.stringMatching(
                /^mesh-authorization-effective MESH-AUTHZ-STRICT: agent namespace agent-coordinator-a \(coordinator-a\) admits \d+ requests outside the guide's rule, e\.g\. cluster\.local\/ns\/agent-task-executor-b1\/sa\/task-executor-b1 /,
            ),
        ]);
        // Stricter than the guide passes: the coordinator admits only one of its two executors (review c05).
        const fewer = await broken((r) => setPrincipals(r, (own) => own.filter((p) => !p.includes("executor-a2"))));
        expect(lines(fewer)).toEqual([]);
        const foreign = await broken((r) =>
            setPrincipals(r, (own) => own.map((p) => p.replace("cluster.local", "other.example"))),
        );
        expect(lines(foreign)).toEqual([
            expect.stringMatching(
                /^mesh-authorization-effective MESH-AUTHZ-STRICT: .* admits \d+ requests .*other\.example\/ns\/agent-task-executor-a1/,
            ),
            expect.stringMatching(
                /^mesh-authorization-effective MESH-AUTHZ-TASKS: .* refuses \d+ requests .*cluster\.local\/ns\/agent-task-executor-a1\/sa\/task-executor-a1 /,
            ),
        ]);
    });

    it("catches an AuthorizationPolicy put in the platform's root namespace", async () => {
        const vs = await broken((r) => {
            const p = record(r, AUTHZ, "mas-coordinator-a-allow-tasks");
            setProp(p, "metadata", { ...p.outputs.metadata, namespace: "istio-system" });
        });
        expect(lines(vs).filter((l) => l.startsWith("agent-stack-namespaces"))).toEqual([
            "agent-stack-namespaces MESH-AUTHZ-STRICT: AuthorizationPolicy istio-system/allow-task-executors is in namespace istio-system, not one of this stack's agent namespaces (agent-coordinator-a, agent-task-executor-a1, agent-task-executor-a2): istio-system is the platform's mesh root namespace, whose policies apply to every namespace",
        ]);
    });

    it("catches a NetworkPolicy opening egress to the platform's management segment", async () => {
        const vs = await broken((r) => {
            const np = record(r, NETPOL, "mas-mesh-task-executor-a1");
            const spec = JSON.parse(JSON.stringify(np.outputs.spec));
            spec.egress.push({ ports: [{ port: 443, protocol: "TCP" }], to: [{ ipBlock: { cidr: "10.0.3.0/24" } }] });
            setProp(np, "spec", spec);
        });
        expect(lines(vs)).toEqual([
            expect.stringMatching(
                /^k8s-network-policy-effective K8S-NETPOL: NetworkPolicy agent-task-executor-a1\/allow-mesh allows egress beyond the intended flows: 10\.0\.3\.0-10\.0\.3\.255 on TCP\/443$/,
            ),
            expect.stringMatching(
                /^agent-stack-network-segments NET-SEG-MGMT: NetworkPolicy agent-task-executor-a1\/\S+ allows egress to 10\.0\.3\.0\/24, which covers the platform's management segment 10\.0\.3\.0\/24$/,
            ),
        ]);
    });

    it("reports a missing StackReference or a contract of another version as a violation, not a crash", async () => {
        // Without the contract the platform's ClusterRoles are unknown: the effective RBAC reads each binding of
        // them as granting everything (3 agents x the agents' and the allocate role), besides the contract's own.
        const contractOnly = (vs: Violation[]) => {
            const unknown = lines(vs).filter((l) => l.startsWith("identity-k8s-effective-rbac"));
            expect(unknown).toHaveLength(6);
            expect(unknown.every((l) => l.includes("(defined nowhere: read as granting everything)"))).toBe(true);
            return lines(vs).filter((l) => !l.startsWith("identity-k8s-effective-rbac"));
        };
        const missing = await broken((r) =>
            r.splice(
                r.findIndex((x) => x.type === SR),
                1,
            ),
        );
        expect(contractOnly(missing)).toEqual([
            "agent-stack-platform-contract IAM-BOUNDARY,RBAC-AGENT-PERMS,RBAC-AGENT-NS,MESH-AUTHZ-STRICT,K8S-NETPOL: the agent stack (platformStack prod) has no StackReference to its platform stack (pulumi:pulumi:StackReference): the platform's boundary, trust domain, ClusterRoles and segments are unknown, so nothing of this stack can be checked against them (controls IAM-BOUNDARY, RBAC-AGENT-NS, MESH-AUTHZ-STRICT, K8S-NETPOL cannot be verified)",
        ]);
        const v2 = await broken((r) => {
            const sr = r.find((x) => x.type === SR)!;
            sr.outputs.outputs.agentPlatform.version = 2;
        });
        expect(contractOnly(v2)).toEqual([
            "agent-stack-platform-contract IAM-BOUNDARY,RBAC-AGENT-PERMS,RBAC-AGENT-NS,MESH-AUTHZ-STRICT,K8S-NETPOL: StackReference prod: the platform's agentPlatform is contract version 2, this pack reads version 1: deploy the platform and agent stacks from the same release (controls IAM-BOUNDARY, RBAC-AGENT-NS, MESH-AUTHZ-STRICT, K8S-NETPOL cannot be verified)",
        ]);
        expect(v2.find((v) => v.policy === "agent-stack-platform-contract")?.urn).toBe(
            `urn:pulumi:${STACK}::multi-agent-security::pulumi:pulumi:StackReference::platform`,
        );
    });

    it("keeps the platform stack clean with no agents of its own", async () => {
        const { runStack: run } = require("../harness/program") as typeof import("../harness/program");
        const empty = await run("prod", { agents: [] });
        expect(lines(mandatory(await audit(undefined, "prod", () => empty)))).toEqual([]);
    });
});
