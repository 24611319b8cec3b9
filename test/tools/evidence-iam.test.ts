// tools/lib/evidence-iam.ts: the IAM allow-list evaluation as evidence (tables in evidence.md / .json, summary.md).

import { renderIamAllowList, iamAllowListEvidence, summariseIamAllowList } from "../../tools/lib/evidence-iam";
import { StateResource } from "../../tools/lib/state";
import { fixture, resources } from "../lib/iam/fixture";

const asState = (f: ReturnType<typeof fixture>): StateResource[] =>
    resources(f).map((r, i) => ({
        urn: `urn:pulumi:dev::mas::${r.type}::${r.name ?? `r${i}`}`,
        type: r.type,
        custom: true,
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        additionalSecretOutputs: [],
        ignoreChanges: [],
        inputs: {},
        outputs: r.props,
    }));

describe("IAM allow-list evidence", () => {
    it("counts each principal's changing actions by resource, with no finding for the stack's own documents", () => {
        const e = iamAllowListEvidence(asState(fixture()));
        expect(e.findings).toEqual([]);
        expect(e.rows.length).toBeGreaterThan(0);
        expect(e.rows.every((r) => r.notGranted === 0)).toBe(true);
        const admin = e.rows.filter((r) => r.principal.startsWith("system_admin"));
        expect(admin.length).toBeGreaterThan(0);
        // Counts are by access level; every row counts at least one action.
        expect(e.rows.every((r) => r.write + r.permissions + r.tagging > 0)).toBe(true);
    });

    it("lists a finding (principal, action, resource, why): the operator may rewrite another role\'s trust policy, and marks the row's not-granted count", () => {
        const f = fixture();
        // The operator's own policy denies iam:*: the break is only a break without it.
        f.policies.operator.Statement = f.policies.operator.Statement.filter((s) => s.Effect !== "Deny");
        f.policies.operator.Statement.push({
            Effect: "Allow",
            Action: "iam:UpdateAssumeRolePolicy",
            Resource: "arn:aws:iam::123456789012:role/*",
        });
        const e = iamAllowListEvidence(asState(f));
        const finding = e.findings.find(
            (x) => x.principal.startsWith("operator") && x.actions.includes("iam:UpdateAssumeRolePolicy"),
        );
        expect(finding).toMatchObject({ escalation: true });
        expect(finding?.why.length).toBeGreaterThan(0);
        const row = e.rows.find((r) => r.principal === finding?.principal && r.resource === finding?.resource);
        expect(row?.permissions).toBeGreaterThanOrEqual(1);
        expect(row?.notGranted).toBeGreaterThanOrEqual(1);
        const md = renderIamAllowList(e).join("\n");
        expect(md).toContain("| control | principal | action | resource | why |");
        expect(md).toMatch(
            /\| RBAC-[A-Z-]+ \| operator [^|]+ \| [^|]*iam:UpdateAssumeRolePolicy[^|]* \(escalation\) \|/,
        );
        const summary = summariseIamAllowList(e);
        expect(summary[0]).toBe("## IAM allow-list evaluation");
        expect(summary.some((l) => /^- \[RBAC-[A-Z-]+\] operator .*iam:UpdateAssumeRolePolicy/.test(l))).toBe(true);
    });

    it("keeps the summary short: at most 40 principal rows and 10 findings", () => {
        const e = {
            principals: 60,
            resources: 1,
            rows: Array.from({ length: 60 }, (_, i) => ({
                principal: `p${i}`,
                resource: "r",
                write: 1,
                permissions: 0,
                tagging: 0,
                notGranted: 1,
            })),
            findings: Array.from({ length: 25 }, (_, i) => ({
                control: "RBAC-AGENT-PERMS",
                principal: `p${i}`,
                resource: "r",
                actions: ["s3:PutObject"],
                escalation: false,
                why: ["x"],
            })),
        };
        const summary = summariseIamAllowList(e);
        expect(summary.filter((l) => /^\| p\d+ \|/.test(l))).toHaveLength(40);
        expect(summary.filter((l) => l.startsWith("- [RBAC"))).toHaveLength(10);
        expect(summary).toContain("- … 15 more in evidence.md");
        expect(renderIamAllowList(e).filter((l) => /^\| p\d+ \|/.test(l))).toHaveLength(60);
    });
});
