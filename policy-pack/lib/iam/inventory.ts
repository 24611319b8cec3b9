import { PolicyDocument, parseDocument, PrincipalSet, Statement } from "./document";
import { NamedDocument } from "./evaluate";
import { IamModel, PlanResource } from "./model";

/**
 * Everything a principal could change: every resource of the plan with an ARN (and the objects, streams and
 * sessions under it), with its resource policy where it has one, plus the targets outside the plan an
 * escalation aims at (another role of the account, an IAM user, the cluster's nodes). Grant-like resources are
 * folded into the policy of what they grant on: KMS grants into the key's policy, Lambda permissions into the
 * function's, queue / repository / log destination / access point policies into their resource's.
 */
export interface Target {
    /** Plan resource (undefined for the synthetic targets). */
    resource?: PlanResource;
    /** What a report calls it. */
    label: string;
    urn?: string;
    type: string;
    /** The resource's ARN and the ARNs under it (an object of a bucket, a stream of a log group). */
    arns: string[];
    tags: Record<string, string>;
    policy?: NamedDocument;
    /** The policy is set but unreadable: the target cannot be evaluated. */
    unreadable?: boolean;
    /** Root of trust (KMS key policy, role trust policy): it must allow, directly or through the account. */
    rootOfTrust?: boolean;
    /** The policy is a trust policy: the requests it answers are sts:* ones. */
    trust?: boolean;
    synthetic?: "account-role" | "iam-user" | "node";
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const dep = (r: PlanResource, prop: string): string[] => (r.propertyDependencies?.[prop] ?? []).map((d) => d.urn);
const tagsOf = (r: PlanResource): Record<string, string> => ({
    ...((r.props.tagsAll as Record<string, string>) ?? {}),
    ...((r.props.tags as Record<string, string>) ?? {}),
});

/** Policy-bearing resources that are not the resource they govern: type → [prop naming the resource, prop of the policy]. */
const ATTACHED_POLICIES: Record<string, [string, string]> = {
    "aws:s3/bucketPolicy:BucketPolicy": ["bucket", "policy"],
    "aws:sns/topicPolicy:TopicPolicy": ["arn", "policy"],
    "aws:sqs/queuePolicy:QueuePolicy": ["queueUrl", "policy"],
    "aws:secretsmanager/secretPolicy:SecretPolicy": ["secretArn", "policy"],
    "aws:ecr/repositoryPolicy:RepositoryPolicy": ["repository", "policy"],
    "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy": ["destinationName", "accessPolicy"],
    "aws:s3control/accessPointPolicy:AccessPointPolicy": ["accessPointArn", "policy"],
};
/** Resources that carry their own policy property. */
const OWN_POLICY: Record<string, string> = {
    "aws:kms/key:Key": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:sqs/queue:Queue": "policy",
    "aws:secretsmanager/secret:Secret": "policy",
    "aws:s3/accessPoint:AccessPoint": "policy",
    "aws:iam/role:Role": "assumeRolePolicy",
};
const KEY = "aws:kms/key:Key";
const ROLE = "aws:iam/role:Role";
const GRANT = "aws:kms/grant:Grant";
const LAMBDA_PERMISSION = "aws:lambda/permission:Permission";
const LOG_RESOURCE_POLICY = "aws:cloudwatch/logResourcePolicy:LogResourcePolicy";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

/** ARNs under a resource that actions name (objects of a bucket, streams of a log group, objects of an access point). */
function childArns(type: string, arn: string): string[] {
    if (type === "aws:s3/bucket:Bucket") {
        return [`${arn}/any-object`];
    }
    if (type === LOG_GROUP) {
        return [`${arn}:log-stream:any-stream`];
    }
    if (type === "aws:s3/accessPoint:AccessPoint") {
        return [`${arn}/object/any-object`];
    }
    return [];
}

function merge(name: string, docs: (PolicyDocument | undefined)[]): NamedDocument | undefined {
    const statements = docs.flatMap((d) => d?.statements ?? []);
    return statements.length > 0 ? { name, document: { statements } } : undefined;
}

/** A KMS grant as the key-policy statement it amounts to (the grantee may do the operations, whatever the key policy says). */
function grantStatement(g: PlanResource): Statement | undefined {
    const grantee = str(g.props.granteePrincipal);
    const ops = ((g.props.operations as unknown[]) ?? []).map(String);
    if (!grantee || ops.length === 0) {
        return undefined;
    }
    const principal: PrincipalSet = { [/\.amazonaws\.com$/.test(grantee) ? "Service" : "AWS"]: [grantee] };
    return {
        sid: `grant ${g.name}`,
        effect: "Allow",
        actions: ops.map((o) => `kms:${o}`),
        resources: ["*"],
        principal,
        conditions: [],
    };
}

/** A Lambda permission as the function-policy statement it amounts to. */
function permissionStatement(p: PlanResource): Statement | undefined {
    const who = str(p.props.principal);
    const action = str(p.props.action);
    if (!who || !action) {
        return undefined;
    }
    const principal: PrincipalSet = who === "*" ? "*" : { [/\.amazonaws\.com$/.test(who) ? "Service" : "AWS"]: [who] };
    const conditions = [
        ...(str(p.props.sourceAccount)
            ? [{ operator: "StringEquals", key: "aws:sourceaccount", values: [String(p.props.sourceAccount)] }]
            : []),
        ...(str(p.props.sourceArn)
            ? [{ operator: "ArnLike", key: "aws:sourcearn", values: [String(p.props.sourceArn)] }]
            : []),
        ...(str(p.props.principalOrgId)
            ? [{ operator: "StringEquals", key: "aws:principalorgid", values: [String(p.props.principalOrgId)] }]
            : []),
    ];
    return { sid: `permission ${p.name}`, effect: "Allow", actions: [action], resources: ["*"], principal, conditions };
}

/**
 * Types whose ARN output is not named `arn` (the provider's own names): without them an EKS access entry or a
 * Pod Identity association would never be a target, and eks:AssociateAccessPolicy on it never evaluated.
 */
const ARN_PROPERTY: Record<string, string> = {
    "aws:eks/accessEntry:AccessEntry": "accessEntryArn",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "associationArn",
};
export function inventoryOf(resources: PlanResource[], model: IamModel): Target[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const keyOf = (r: PlanResource, ...props: string[]): PlanResource | undefined => {
        for (const prop of props) {
            const viaDep = dep(r, prop)
                .map((u) => byUrn.get(u))
                .find((x) => x);
            if (viaDep) {
                return viaDep;
            }
        }
        const values = props.map((p) => str(r.props[p])).filter((v): v is string => v !== undefined);
        return resources.find(
            (x) =>
                x !== r &&
                values.some(
                    (v) =>
                        v === x.props.arn ||
                        v === x.props.id ||
                        v === x.props.name ||
                        v === x.props.bucket ||
                        v === x.props.url,
                ),
        );
    };
    // Attached policies, grants and permissions by the URN of the resource they govern.
    const extra = new Map<string, { docs: PolicyDocument[]; unreadable: boolean }>();
    const add = (target: PlanResource | undefined, doc: PolicyDocument | undefined, raw: unknown) => {
        if (!target) {
            return;
        }
        const slot = extra.get(target.urn) ?? { docs: [], unreadable: false };
        if (doc) {
            slot.docs.push(doc);
        } else if (raw !== undefined) {
            slot.unreadable = true;
        }
        extra.set(target.urn, slot);
    };
    for (const r of resources) {
        const attached = ATTACHED_POLICIES[r.type];
        if (attached) {
            add(keyOf(r, attached[0]), parseDocument(r.props[attached[1]]), r.props[attached[1]]);
        } else if (r.type === GRANT) {
            const s = grantStatement(r);
            add(keyOf(r, "keyId"), s ? { statements: [s] } : undefined, s ? undefined : r.props.granteePrincipal);
        } else if (r.type === LAMBDA_PERMISSION) {
            const s = permissionStatement(r);
            add(keyOf(r, "function"), s ? { statements: [s] } : undefined, s ? undefined : r.props.principal);
        }
    }
    // Account-wide CloudWatch Logs resource policies govern every log group.
    const logPolicies = resources
        .filter((r) => r.type === LOG_RESOURCE_POLICY)
        .map((r) => parseDocument(r.props.policyDocument));

    const targets: Target[] = [];
    const seen = new Set<string>();
    for (const r of resources) {
        const arn = str(r.props[ARN_PROPERTY[r.type] ?? "arn"]);
        // Some resources name another's ARN in their arn property (an event target, a topic policy): the first
        // resource with an ARN (the one that creates it, registered before what refers to it) is the target.
        if (!arn || !arn.startsWith("arn:") || ATTACHED_POLICIES[r.type] || seen.has(arn)) {
            continue;
        }
        seen.add(arn);
        const ownProp = OWN_POLICY[r.type];
        const own = ownProp ? r.props[ownProp] : undefined;
        const ownDoc = own !== undefined ? parseDocument(own) : undefined;
        const slot = extra.get(r.urn);
        const policy = merge(r.type === ROLE ? `trust ${str(r.props.name) ?? r.name}` : `policy of ${r.name}`, [
            ownDoc,
            ...(slot?.docs ?? []),
            ...(r.type === LOG_GROUP ? logPolicies : []),
        ]);
        const unreadable = (own !== undefined && own !== "" && !ownDoc) || slot?.unreadable === true;
        targets.push({
            resource: r,
            label: arn,
            urn: r.urn,
            type: r.type,
            arns: [arn, ...childArns(r.type, arn)],
            tags: tagsOf(r),
            ...(policy ? { policy } : {}),
            ...(unreadable ? { unreadable } : {}),
            ...(r.type === KEY || r.type === ROLE ? { rootOfTrust: true } : {}),
            ...(r.type === ROLE ? { trust: true } : {}),
        });
    }
    const p = model.partition;
    const cluster = model.clusterName ?? "";
    targets.push(
        {
            label: "any other role of the account",
            type: ROLE,
            arns: [`arn:${p}:iam::${model.account}:role/any-other-role`],
            tags: {},
            synthetic: "account-role",
        },
        {
            label: "any IAM user of the account",
            type: "aws:iam/user:User",
            arns: [`arn:${p}:iam::${model.account}:user/any-user`],
            tags: {},
            synthetic: "iam-user",
        },
        {
            label: `the nodes of cluster ${cluster}`,
            type: "aws:ec2/instance:Instance",
            arns: [`arn:${p}:ec2:${model.region}:${model.account}:instance/i-node`],
            tags: { "eks:cluster-name": cluster, [`kubernetes.io/cluster/${cluster}`]: "owned" },
            synthetic: "node",
        },
    );
    return targets;
}
