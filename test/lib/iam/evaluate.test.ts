import {
    accessLevel,
    ANY,
    evaluate,
    evaluateCondition,
    expandActions,
    managedPolicyDocument,
    parseDocument,
    Principal,
    Request,
} from "../../../policy-pack/lib/iam";

// The evaluator against AWS's documented policy evaluation logic (IAM User Guide: "Policy evaluation logic",
// "How AWS enforcement code logic evaluates requests", "Cross-account policy evaluation logic", "Condition
// operators"). Each case states the documented rule it checks.
const ACCT = "111122223333";
const OTHER = "444455556666";
const doc = (...Statement: object[]) => {
    const d = parseDocument({ Version: "2012-10-17", Statement });
    if (!d) {
        throw new Error("bad fixture");
    }
    return d;
};
const role = (identity: object[][], boundary?: object[], account = ACCT, name = "app"): Principal => ({
    kind: "role",
    arn: `arn:aws:iam::${account}:role/${name}`,
    account,
    identity: identity.map((s, i) => ({ name: `p${i}`, document: doc(...s) })),
    ...(boundary ? { boundary: { name: "boundary", document: doc(...boundary) } } : {}),
});
const BUCKET = "arn:aws:s3:::example-bucket";
const req = (action: string, resource = `${BUCKET}/key`, extra: Partial<Request> = {}): Request => ({
    action,
    resource,
    resourceAccount: ACCT,
    ...extra,
});
const allow = (Action: string | string[], Resource: string | string[] = "*", more: object = {}) => ({
    Effect: "Allow",
    Action,
    Resource,
    ...more,
});
const deny = (Action: string | string[], Resource: string | string[] = "*", more: object = {}) => ({
    Effect: "Deny",
    Action,
    Resource,
    ...more,
});
const bucketPolicy = (...s: object[]) => ({ name: "bucket", document: doc(...s) });

describe("identity policies, same account", () => {
    it("denies by default (implicit deny)", () => {
        expect(evaluate(role([[]]), req("s3:GetObject"))).toMatchObject({ possible: false, definite: false });
    });
    it("allows what an identity policy allows, matching actions case-insensitively", () => {
        const d = evaluate(role([[allow("S3:getobject", `${BUCKET}/*`)]]), req("s3:GetObject"));
        expect(d).toMatchObject({ possible: true, definite: true, allowedBy: ["p0:#0"] });
    });
    it("an explicit deny in any policy overrides every allow", () => {
        const d = evaluate(
            role([[allow("s3:*")], [deny("s3:GetObject", `${BUCKET}/*`, { Sid: "NoRead" })]]),
            req("s3:GetObject"),
        );
        expect(d).toMatchObject({ possible: false, definite: false, deniedBy: "p1:NoRead" });
    });
    it("a service wildcard allows every action of the service and nothing else", () => {
        const p = role([[allow("s3:*")]]);
        expect(evaluate(p, req("s3:DeleteObject")).definite).toBe(true);
        expect(evaluate(p, req("kms:Decrypt", "arn:aws:kms:eu-west-1:111122223333:key/k")).possible).toBe(false);
    });
    it("NotAction with Allow allows every action except the listed ones", () => {
        const p = role([[{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }]]);
        expect(evaluate(p, req("s3:PutBucketPolicy", BUCKET)).definite).toBe(true);
        expect(evaluate(p, req("iam:CreateRole", `arn:aws:iam::${ACCT}:role/x`)).possible).toBe(false);
    });
    it("NotResource with Allow allows every resource except the listed ones", () => {
        const p = role([[{ Effect: "Allow", Action: "s3:GetObject", NotResource: `${BUCKET}/secret/*` }]]);
        expect(evaluate(p, req("s3:GetObject", `${BUCKET}/public/a`)).definite).toBe(true);
        expect(evaluate(p, req("s3:GetObject", `${BUCKET}/secret/a`)).possible).toBe(false);
    });
    it("matches resources case-sensitively with * and ?", () => {
        const p = role([[allow("s3:GetObject", `${BUCKET}/logs/????/*`)]]);
        expect(evaluate(p, req("s3:GetObject", `${BUCKET}/logs/2026/a`)).definite).toBe(true);
        expect(evaluate(p, req("s3:GetObject", `${BUCKET}/LOGS/2026/a`)).possible).toBe(false);
    });
});

describe("permissions boundaries", () => {
    it("limit identity grants: both must allow", () => {
        expect(evaluate(role([[allow("s3:*")]], [allow("kms:*")]), req("s3:GetObject")).possible).toBe(false);
        expect(evaluate(role([[allow("s3:GetObject")]], [allow("s3:*")]), req("s3:GetObject")).definite).toBe(true);
    });
    it("grant nothing by themselves", () => {
        expect(evaluate(role([[]], [allow("*")]), req("s3:GetObject")).possible).toBe(false);
    });
    it("their explicit deny wins over an identity allow", () => {
        const p = role([[allow("*")]], [allow("*"), deny("cloudtrail:StopLogging")]);
        expect(
            evaluate(p, req("cloudtrail:StopLogging", "arn:aws:cloudtrail:eu-west-1:111122223333:trail/t")).possible,
        ).toBe(false);
    });
    it("limit a resource policy's grant to the role ARN (same account)", () => {
        const grant = bucketPolicy({
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCT}:role/app` },
            Action: "s3:GetObject",
            Resource: `${BUCKET}/*`,
        });
        expect(
            evaluate(role([[]], [allow("kms:*")]), req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: grant }))
                .possible,
        ).toBe(false);
        expect(evaluate(role([[]]), req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: grant })).definite).toBe(true);
    });
});

describe("resource policies", () => {
    const grantTo = (principal: unknown, more: object = {}) =>
        bucketPolicy({
            Effect: "Allow",
            Principal: principal,
            Action: "s3:GetObject",
            Resource: `${BUCKET}/*`,
            ...more,
        });
    it("same account: a resource policy alone allows (identity OR resource)", () => {
        const d = evaluate(
            role([[]]),
            req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: grantTo({ AWS: `arn:aws:iam::${ACCT}:role/app` }) }),
        );
        expect(d.definite).toBe(true);
    });
    it("naming the account delegates to IAM: the identity policy must allow", () => {
        const rp = grantTo({ AWS: `arn:aws:iam::${ACCT}:root` });
        expect(evaluate(role([[]]), req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: rp })).possible).toBe(false);
        expect(
            evaluate(role([[allow("s3:GetObject")]]), req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: rp }))
                .definite,
        ).toBe(true);
    });
    it("cross account: both the resource policy and the identity policy must allow", () => {
        const outsider = role([[allow("s3:*")]], undefined, OTHER, "x");
        expect(evaluate(outsider, req("s3:GetObject")).possible).toBe(false);
        expect(
            evaluate(outsider, req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: grantTo({ AWS: OTHER }) }))
                .definite,
        ).toBe(true);
        expect(
            evaluate(
                role([[]], undefined, OTHER, "x"),
                req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: grantTo("*") }),
            ).possible,
        ).toBe(false);
    });
    it('Principal "*" without a condition lets anonymous callers in; a deny for "*" stops every principal', () => {
        const anon: Principal = { kind: "anonymous", identity: [] };
        expect(evaluate(anon, req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: grantTo("*") })).definite).toBe(
            true,
        );
        const denyAll = bucketPolicy({ ...deny("s3:*", `${BUCKET}/*`), Principal: "*" });
        expect(
            evaluate(role([[allow("*")]]), req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: denyAll })).possible,
        ).toBe(false);
    });
    it("a deny whose exemption matches every principal stops nobody", () => {
        const rp = (exempt: string[]) =>
            bucketPolicy({
                ...deny("s3:GetObject", `${BUCKET}/*`),
                Principal: "*",
                Condition: { ArnNotLike: { "aws:PrincipalArn": exempt } },
            });
        const other = role([[allow("s3:*")]], undefined, ACCT, "someone-else");
        expect(
            evaluate(
                other,
                req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: rp([`arn:aws:iam::${ACCT}:role/app`]) }),
            ).possible,
        ).toBe(false);
        expect(
            evaluate(other, req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: rp(["arn:aws:iam::*:role/*"]) }))
                .definite,
        ).toBe(true);
    });
    it("NotPrincipal with Deny denies everyone but the listed principals", () => {
        const rp = bucketPolicy({
            ...deny("s3:GetObject", `${BUCKET}/*`),
            NotPrincipal: { AWS: `arn:aws:iam::${ACCT}:role/app` },
        });
        expect(
            evaluate(role([[allow("s3:*")]]), req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: rp })).definite,
        ).toBe(true);
        expect(
            evaluate(
                role([[allow("s3:*")]], undefined, ACCT, "b"),
                req("s3:GetObject", `${BUCKET}/k`, { resourcePolicy: rp }),
            ).possible,
        ).toBe(false);
    });
});

describe("KMS key policies", () => {
    const KEY = `arn:aws:kms:eu-west-1:${ACCT}:key/k`;
    const kms = (action: string, policy: object[], context = {}) =>
        req(action, KEY, { isKmsKey: true, resourcePolicy: { name: "key", document: doc(...policy) }, context });
    const root = { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: "kms:*", Resource: "*" };
    it("an identity policy alone is not enough: the key policy must allow (directly or through the account)", () => {
        const p = role([[allow("kms:*")]]);
        expect(
            evaluate(p, kms("kms:Decrypt", [{ ...root, Principal: { AWS: `arn:aws:iam::${ACCT}:role/other` } }]))
                .possible,
        ).toBe(false);
        expect(evaluate(p, kms("kms:Decrypt", [root])).definite).toBe(true);
        expect(evaluate(role([[]]), kms("kms:Decrypt", [root])).possible).toBe(false);
    });
    it("kms:ViaService and kms:CallerAccount conditions hold only for requests through that service", () => {
        const viaS3 = {
            Effect: "Allow",
            Principal: "*",
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:CallerAccount": ACCT } },
        };
        expect(
            evaluate(role([[]]), kms("kms:Decrypt", [viaS3], { "kms:viaservice": ["s3.eu-west-1.amazonaws.com"] }))
                .definite,
        ).toBe(true);
        expect(evaluate(role([[]]), kms("kms:Decrypt", [viaS3])).possible).toBe(false);
        const outsider = role([[allow("*")]], undefined, OTHER, "x");
        expect(
            evaluate(outsider, kms("kms:Decrypt", [viaS3], { "kms:viaservice": ["s3.eu-west-1.amazonaws.com"] }))
                .possible,
        ).toBe(false);
    });
});

describe("condition operators", () => {
    const cond = (operator: string, key: string, values: string[], ctx: Record<string, string[] | typeof ANY>) =>
        evaluateCondition({ operator, key: key.toLowerCase(), values }, ctx);
    it("a key absent from the request: positive operators false, negated ones true, IfExists true", () => {
        expect(cond("StringEquals", "aws:SourceAccount", [ACCT], {})).toBe("no");
        expect(cond("ArnNotLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/a"], {})).toBe("yes");
        expect(cond("BoolIfExists", "aws:MultiFactorAuthPresent", ["false"], {})).toBe("yes");
        expect(
            cond("BoolIfExists", "aws:MultiFactorAuthPresent", ["false"], { "aws:multifactorauthpresent": ["true"] }),
        ).toBe("no");
    });
    it("Null tests presence", () => {
        expect(cond("Null", "aws:TokenIssueTime", ["true"], {})).toBe("yes");
        expect(cond("Null", "aws:TokenIssueTime", ["false"], {})).toBe("no");
    });
    it("values of one key are ORed; negated operators need the value to match none", () => {
        expect(cond("StringEquals", "k", ["a", "b"], { k: ["b"] })).toBe("yes");
        expect(cond("StringNotEquals", "k", ["a", "b"], { k: ["b"] })).toBe("no");
        expect(cond("StringNotEquals", "k", ["a", "b"], { k: ["c"] })).toBe("yes");
    });
    it("StringLike and ArnLike wildcards (ArnLike per colon-separated part)", () => {
        expect(
            cond("StringLike", "cloudwatch:namespace", ["MAS/*"], { "cloudwatch:namespace": ["MAS/Agents/a"] }),
        ).toBe("yes");
        expect(
            cond("ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/mas-*"], {
                "aws:principalarn": [`arn:aws:iam::${ACCT}:role/mas-x`],
            }),
        ).toBe("yes");
        expect(cond("ArnLike", "aws:SourceArn", ["arn:aws:logs:*"], { "aws:sourcearn": ["arn:aws:s3:::b"] })).toBe(
            "no",
        );
    });
    it("Numeric and Date comparisons", () => {
        expect(
            cond("NumericLessThanEquals", "aws:MultiFactorAuthAge", ["3600"], { "aws:multifactorauthage": ["3599"] }),
        ).toBe("yes");
        expect(
            cond("NumericLessThanEquals", "aws:MultiFactorAuthAge", ["3600"], { "aws:multifactorauthage": ["7200"] }),
        ).toBe("no");
        expect(
            cond("DateLessThan", "aws:CurrentTime", ["2027-01-01T00:00:00Z"], {
                "aws:currenttime": ["2026-11-30T00:00:00Z"],
            }),
        ).toBe("yes");
    });
    it("ForAllValues is true for an empty set, ForAnyValue false", () => {
        expect(cond("ForAllValues:StringEquals", "aws:TagKeys", ["a"], {})).toBe("yes");
        expect(cond("ForAnyValue:StringEquals", "aws:TagKeys", ["a"], {})).toBe("no");
        expect(cond("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"], { "aws:tagkeys": ["a", "c"] })).toBe("no");
        expect(cond("ForAnyValue:StringEquals", "aws:TagKeys", ["a"], { "aws:tagkeys": ["a", "c"] })).toBe("yes");
    });
    it("policy variables resolve from the request context", () => {
        const ctx = {
            "cloudwatch:namespace": ["MAS/Agents/agent-a"],
            "aws:principaltag/kubernetes-namespace": ["agent-a"],
        };
        expect(
            cond("StringEquals", "cloudwatch:namespace", ["MAS/Agents/${aws:PrincipalTag/kubernetes-namespace}"], ctx),
        ).toBe("yes");
        expect(
            cond("StringEquals", "cloudwatch:namespace", ["MAS/Agents/${aws:PrincipalTag/kubernetes-namespace}"], {
                ...ctx,
                "aws:principaltag/kubernetes-namespace": ["agent-b"],
            }),
        ).toBe("no");
    });
    it("an unknown operator or an unknown context value is undecidable: possible, never definite", () => {
        expect(cond("IpAddress", "aws:SourceIp", ["10.0.0.0/8"], { "aws:sourceip": ["10.1.2.3"] })).toBe("maybe");
        expect(cond("StringEquals", "kms:ViaService", ["s3.eu-west-1.amazonaws.com"], { "kms:viaservice": ANY })).toBe(
            "maybe",
        );
        const p = role([[allow("s3:GetObject", "*", { Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } })]]);
        expect(evaluate(p, req("s3:GetObject"))).toMatchObject({ possible: true, definite: false });
        const d = role([
            [allow("s3:*"), deny("s3:GetObject", "*", { Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } })],
        ]);
        expect(evaluate(d, req("s3:GetObject"))).toMatchObject({ possible: true, definite: false });
    });
});

describe("catalog data", () => {
    it("expands AWS-managed policies from their documents", () => {
        const admin = managedPolicyDocument("arn:aws:iam::aws:policy/AdministratorAccess");
        expect(admin?.statements).toEqual([
            expect.objectContaining({ effect: "Allow", actions: ["*"], resources: ["*"] }),
        ]);
        const power = managedPolicyDocument("arn:aws:iam::aws:policy/PowerUserAccess");
        expect(power?.statements.some((s) => s.notActions?.includes("iam:*"))).toBe(true);
        expect(managedPolicyDocument("arn:aws:iam::aws:policy/NoSuchPolicyAtAll")).toBeUndefined();
    });
    it("reads actions and access levels lazily per service", () => {
        expect(expandActions("s3:GetObject*")).toEqual(expect.arrayContaining(["s3:GetObject", "s3:GetObjectVersion"]));
        expect(accessLevel("iam:AttachRolePolicy")).toMatch(/Permissions management/);
        expect(accessLevel("s3:GetObject")).toBe("Read");
        expect(accessLevel("s3:NoSuchAction")).toBeUndefined();
    });
});
