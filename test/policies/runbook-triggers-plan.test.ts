import { proceduresDoTheirSteps } from "../../policy-pack/policies/procedures";
import type { ProgramRun, RecordedResource } from "../../tools/lib/program";
import { runStack } from "../harness/program";
import { copy, editJson, find, Rec, set, stackViolations } from "./review-plan";

// Runbooks judged per trigger on the prod plan: the rule's sample event, through the target's input, takes one
// branch of the document, and that branch must do the duty with its effect (the outside review's b56, b97,
// b99-b101, b103); compliant variations of the same documents pass.
const DOC = "aws:ssm/document:Document";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const SCHEDULE = "aws:scheduler/schedule:Schedule";

let prod: ProgramRun;
beforeAll(async () => {
    prod = await runStack("prod");
}, 120_000);

const run = (edit: (rs: RecordedResource[]) => void) => {
    const rs = copy(prod);
    edit(rs);
    return stackViolations([proceduresDoTheirSteps], rs);
};
const doc = (rs: RecordedResource[], name: string, f: (d: Rec) => void) => editJson(find(rs, DOC, name), "content", f);
const blockStep = (d: Rec) => d.mainSteps[0].inputs as Rec;

describe("runbooks judged per trigger on the prod plan", () => {
    it("pass the plan as built", () => expect(run(() => {})).toEqual([]));

    it.each<[string, RegExp, (rs: RecordedResource[]) => void]>([
        [
            "revoke_access: the access-key branch reads the key instead of deactivating it (another branch deletes an access entry)",
            /IR-DL-REVOKE\] runbook mas-prod-ir-revoke-access started by rule mas-prod-ir-access-key-compromise .* does not revoke_access on the branch that event takes/,
            (rs) =>
                doc(rs, "mas-revoke-access", (d) => {
                    d.mainSteps.find((s: Rec) => s.name === "DeactivateAccessKey").inputs.Api = "GetAccessKeyLastUsed";
                }),
        ],
        [
            "revoke_access: the key set back to Active",
            /IR-DL-REVOKE\].* does not revoke_access: iam:UpdateAccessKey with Status "Active", not Inactive/,
            (rs) =>
                doc(rs, "mas-revoke-access", (d) => {
                    d.mainSteps.find((s: Rec) => s.name === "DeactivateAccessKey").inputs.Status = "Active";
                }),
        ],
        [
            "block_access: a network ACL entry that allows the attacker",
            /IR-SB-BLOCK\].* does not block_access: ec2:CreateNetworkAclEntry with RuleAction "allow", not deny/,
            (rs) =>
                doc(rs, "mas-block-access", (d) => {
                    d.mainSteps[0] = {
                        name: "AddNaclEntry",
                        action: "aws:executeAwsApi",
                        inputs: {
                            Service: "ec2",
                            Api: "CreateNetworkAclEntry",
                            NetworkAclId: "acl-0public",
                            RuleNumber: 1,
                            Protocol: "-1",
                            RuleAction: "allow",
                            Egress: false,
                            CidrBlock: "{{ SourceIp }}/32",
                        },
                        isEnd: true,
                    };
                }),
        ],
        [
            "block_access: update_ip_set with the unchanged address list",
            /IR-SB-BLOCK\].* Addresses does not take the trigger's address \(198\.51\.100\.23\): the call changes nothing/,
            (rs) =>
                doc(rs, "mas-block-access", (d) => {
                    const i = blockStep(d);
                    i.Script = String(i.Script).replace("Addresses=addresses + [cidr]", "Addresses=addresses");
                }),
        ],
        [
            "block_access: an IP set the web ACL does not reference",
            /IR-SB-BLOCK\].* on IP set mas-prod-unused \(00000000-0000-4000-8000-000000000000\), which no block rule/,
            (rs) =>
                doc(rs, "mas-block-access", (d) => {
                    Object.assign(blockStep(d).InputPayload, {
                        Id: "00000000-0000-4000-8000-000000000000",
                        Name: "mas-prod-unused",
                    });
                }),
        ],
        [
            "block_access: the web ACL's IP set rule only counts",
            /IR-SB-BLOCK\].* on IP set mas-prod-blocked .* which no block rule/,
            (rs) =>
                set(find(rs, "aws:wafv2/webAcl:WebAcl", "mas-waf"), (p) => {
                    p.rules[0].action = { count: {} };
                }),
        ],
        [
            "isolate_systems: the instance input path is not in the event",
            /IR-SB-ISOLATE\].* gets an empty InstanceId: target mas-ec2-compromise-isolate-systems's input path resolves to nothing/,
            (rs) =>
                set(find(rs, TARGET, "mas-ec2-compromise-isolate-systems"), (p) => {
                    p.inputTransformer.inputPaths.instance = "$.detail.resource.instanceId";
                }),
        ],
        [
            "collect_evidence: the instance id given from the finding id (refused by allowedPattern)",
            /IR-SB-EVIDENCE\].* gets InstanceId "16afba5c5c43e07c9e3e5e2e544e95df", which its allowedPattern/,
            (rs) =>
                set(find(rs, TARGET, "mas-ec2-compromise-collect-evidence"), (p) => {
                    p.inputTransformer.inputPaths.instance = "$.detail.id";
                }),
        ],
        [
            "the daily schedule starts the weekly report",
            /OPS-D-LOGS\] report mas-prod-report-daily is started by no enabled daily schedule .* whose input DocumentName is mas-prod-report-daily/,
            (rs) =>
                set(find(rs, SCHEDULE, "mas-report-daily"), (p) => {
                    p.target.input = JSON.stringify({ DocumentName: "mas-prod-report-weekly" });
                }),
        ],
    ])("fails: %s", (_what, message, edit) => {
        expect(run(edit).some((m) => message.test(m))).toBe(true);
    });

    it.each<[string, (rs: RecordedResource[]) => void]>([
        [
            "revoke_access deleting the key instead of deactivating it",
            (rs) =>
                doc(rs, "mas-revoke-access", (d) => {
                    const s = d.mainSteps.find((x: Rec) => x.name === "DeactivateAccessKey");
                    s.inputs = {
                        Service: "iam",
                        Api: "DeleteAccessKey",
                        UserName: "{{ UserName }}",
                        AccessKeyId: "{{ AccessKeyId }}",
                    };
                }),
        ],
        [
            "block_access through a deny network ACL entry for the attacker's address",
            (rs) =>
                doc(rs, "mas-block-access", (d) => {
                    d.mainSteps[0] = {
                        name: "AddNaclEntry",
                        action: "aws:executeAwsApi",
                        inputs: {
                            Service: "ec2",
                            Api: "CreateNetworkAclEntry",
                            NetworkAclId: "acl-0public",
                            RuleNumber: 1,
                            Protocol: "-1",
                            RuleAction: "deny",
                            Egress: false,
                            CidrBlock: "{{ SourceIp }}/32",
                        },
                        isEnd: true,
                    };
                }),
        ],
        [
            "block_access appending the address through a list it builds first",
            (rs) =>
                doc(rs, "mas-block-access", (d) => {
                    const i = blockStep(d);
                    i.Script = String(i.Script)
                        .replace("Addresses=addresses + [cidr]", "Addresses=grown")
                        .replace(
                            "        try:\n",
                            "        grown = list(addresses)\n        grown.append(cidr)\n        grown = sorted(set(grown + [cidr]))\n        try:\n",
                        );
                }),
        ],
        [
            "one more tagging step before isolating",
            (rs) =>
                doc(rs, "mas-isolate-systems", (d) => {
                    d.mainSteps.unshift({
                        name: "Tag",
                        action: "aws:createTags",
                        inputs: { ResourceType: "EC2", ResourceIds: ["{{ InstanceId }}"], Tags: [] },
                    });
                }),
        ],
    ])("passes: %s", (_what, edit) => {
        expect(run(edit)).toEqual([]);
    });
});
