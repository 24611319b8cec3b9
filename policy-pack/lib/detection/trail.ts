/**
 * Which events a CloudTrail trail records, from its selectors (CloudTrail User Guide, "Logging management
 * events", "Logging data events", AdvancedFieldSelector): advanced selectors record an event when any
 * selector's field conditions all hold (equals / startsWith / endsWith: any; notEquals / notStartsWith /
 * notEndsWith: none); basic selectors by readWriteType, includeManagementEvents, excludeManagementEventSources
 * and dataResources; a trail without selectors records every management event and no data event; global
 * services' events (IAM, sign-in, ...) only with includeGlobalServiceEvents (its default is true).
 */

type Rec = Record<string, unknown>;
const obj = (v: unknown): Rec => (v && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export interface TrailEvent {
    category: "Management" | "Data";
    readOnly: boolean;
    eventSource: string;
    eventName: string;
    /** Data events: the resource type and ARN (AWS::S3::Object, arn:aws:s3:::bucket/key). */
    resourceType?: string;
    resourceArn?: string;
}

function fieldValue(e: TrailEvent, field: string): string | undefined {
    switch (field) {
        case "eventCategory":
            return e.category;
        case "readOnly":
            return String(e.readOnly);
        case "eventSource":
            return e.eventSource;
        case "eventName":
            return e.eventName;
        case "resources.type":
            return e.resourceType;
        case "resources.ARN":
            return e.resourceArn;
        default:
            return undefined;
    }
}

function fieldHolds(f: Rec, e: TrailEvent): boolean {
    const v = fieldValue(e, String(f.field));
    if (v === undefined) {
        return false; // a field the event does not have (or one this model does not know): not met
    }
    const any = (list: string[], test: (x: string) => boolean) => list.length === 0 || list.some(test);
    const none = (list: string[], test: (x: string) => boolean) => !list.some(test);
    return (
        any(strs(f.equals), (x) => x === v) &&
        any(strs(f.startsWiths), (x) => v.startsWith(x)) &&
        any(strs(f.endsWiths), (x) => v.endsWith(x)) &&
        none(strs(f.notEquals), (x) => x === v) &&
        none(strs(f.notStartsWiths), (x) => v.startsWith(x)) &&
        none(strs(f.notEndsWiths), (x) => v.endsWith(x))
    );
}

/** Services whose events are global (delivered to a trail only with includeGlobalServiceEvents). */
const GLOBAL_SOURCES = [
    "iam.amazonaws.com",
    "signin.amazonaws.com",
    "cloudfront.amazonaws.com",
    "route53.amazonaws.com",
];

/** Does the trail (its props) record the event? */
export function trailRecords(trail: Rec, e: TrailEvent): boolean {
    if (trail.includeGlobalServiceEvents === false && GLOBAL_SOURCES.includes(e.eventSource)) {
        return false;
    }
    const advanced = Array.isArray(trail.advancedEventSelectors) ? trail.advancedEventSelectors.map(obj) : [];
    if (advanced.length > 0) {
        return advanced.some((s) => {
            const fields = Array.isArray(s.fieldSelectors) ? s.fieldSelectors.map(obj) : [];
            return fields.length > 0 && fields.every((f) => fieldHolds(f, e));
        });
    }
    const basic = Array.isArray(trail.eventSelectors) ? trail.eventSelectors.map(obj) : [];
    if (basic.length === 0) {
        return e.category === "Management";
    }
    return basic.some((s) => {
        const rw = typeof s.readWriteType === "string" ? s.readWriteType : "All";
        if ((rw === "ReadOnly" && !e.readOnly) || (rw === "WriteOnly" && e.readOnly)) {
            return false;
        }
        if (e.category === "Management") {
            return (
                s.includeManagementEvents !== false && !strs(s.excludeManagementEventSources).includes(e.eventSource)
            );
        }
        const resources = Array.isArray(s.dataResources) ? s.dataResources.map(obj) : [];
        return resources.some(
            (r) =>
                r.type === e.resourceType &&
                strs(r.values).some((v) => /^arn:[^:]+:s3:::?$/.test(v) || (e.resourceArn ?? "").startsWith(v)),
        );
    });
}

/** The management events the guide's audit needs recorded (read and write, KMS, sign-in, role assumption). */
export const MANAGEMENT_PROBES: (TrailEvent & { what: string })[] = [
    {
        what: "management write (iam:PutRolePolicy)",
        category: "Management",
        readOnly: false,
        eventSource: "iam.amazonaws.com",
        eventName: "PutRolePolicy",
    },
    {
        what: "management read (iam:GetRole)",
        category: "Management",
        readOnly: true,
        eventSource: "iam.amazonaws.com",
        eventName: "GetRole",
    },
    {
        what: "KMS use (kms:Decrypt)",
        category: "Management",
        readOnly: true,
        eventSource: "kms.amazonaws.com",
        eventName: "Decrypt",
    },
    {
        what: "KMS key change (kms:ScheduleKeyDeletion)",
        category: "Management",
        readOnly: false,
        eventSource: "kms.amazonaws.com",
        eventName: "ScheduleKeyDeletion",
    },
    {
        what: "console sign-in (signin:ConsoleLogin)",
        category: "Management",
        readOnly: false,
        eventSource: "signin.amazonaws.com",
        eventName: "ConsoleLogin",
    },
    {
        what: "role assumption (sts:AssumeRole)",
        category: "Management",
        readOnly: true,
        eventSource: "sts.amazonaws.com",
        eventName: "AssumeRole",
    },
];

/** S3 object writes (data events) on a bucket: the guide's agent_data writes are audit_logged. */
export function objectWriteProbes(bucketArn: string): (TrailEvent & { what: string })[] {
    return (["PutObject", "DeleteObject"] as const).map((eventName) => ({
        what: `s3:${eventName} on ${bucketArn}`,
        category: "Data" as const,
        readOnly: false,
        eventSource: "s3.amazonaws.com",
        eventName,
        resourceType: "AWS::S3::Object",
        resourceArn: `${bucketArn}/agents/task-1.json`,
    }));
}
