// The data area (DataProtection) run alone under mocks, and helpers to read its policy documents.
import type { ProgramRun, RecordedResource } from "../../../tools/lib/program";
import { named, plain, runShared, stackConfig } from "../../harness/program";

export const ACCT = "123456789012";
export const ROLES = {
    systemAdmin: `arn:aws:iam::${ACCT}:role/mas-system-admin`,
    operator: `arn:aws:iam::${ACCT}:role/mas-operator`,
    monitoringAgent: `arn:aws:iam::${ACCT}:role/mas-monitoring-agent`,
};
export const KEY = "aws:kms/key:Key";
export const BUCKET = "aws:s3/bucket:Bucket";
export const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
export const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
export const POLICY = "aws:s3/bucketPolicy:BucketPolicy";
export const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

export function program(stack: "dev" | "prod", overrides: Record<string, unknown> = {}): Promise<ProgramRun> {
    return runShared("data", stackConfig(stack, overrides), stack, () => {
        const { loadConfig } = require("../../../components/config");
        const { EvidenceRegistry } = require("../../../components/evidence");
        const { DataProtection } = require("../../../components/data");
        const evidence = new EvidenceRegistry();
        const data = new DataProtection("mas", { config: loadConfig(), evidence, roleArns: ROLES });
        return { evidence: evidence.output(), keyCount: Object.keys(data.keys).length };
    });
}

export interface Stmt {
    Sid: string;
    Effect: string;
    Principal: unknown;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}
export function doc(r: RecordedResource, prop = "policy"): Stmt[] {
    return (JSON.parse(plain<string>(r.inputs[prop])) as { Statement: Stmt[] }).Statement;
}
export function sid(list: Stmt[], id: string): Stmt {
    const s = list.find((x) => x.Sid === id);
    if (!s) {
        throw new Error(`no statement ${id}; have ${list.map((x) => x.Sid).join(", ")}`);
    }
    return s;
}
export const arnOf = (run: ProgramRun, type: string, name: string) => named(run, type, name).outputs.arn as string;
export const bucketName = (run: ProgramRun, name: string) => named(run, BUCKET, name).outputs.bucket as string;
