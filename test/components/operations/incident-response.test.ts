import { named, runIsolated, stackConfig } from "../../harness/program";
import type { ProgramRun } from "../../../tools/lib/program";
import { ACCOUNT, REGION, program, DOC, RULE, TARGET, content, policy } from "./fixture";

let dev: ProgramRun;
beforeAll(async () => {
    dev = await runIsolated(stackConfig("dev"), "dev", program("dev"));
});

describe("IncidentResponse runbooks (IR-SB-ISOLATE, IR-SB-BLOCK, IR-DL-REVOKE, IR-SB-EVIDENCE, IR-SB-NOTIFY, OPS-E-ISOLATE)", () => {
    const ROLE = `arn:aws:iam::${ACCOUNT}:role/mas-dev-incident-automation`;

    it("creates a quarantine security group with no ingress and no egress in the VPC", () => {
        expect(named(dev, "aws:ec2/securityGroup:SecurityGroup", "mas-quarantine").inputs).toMatchObject({
            vpcId: "vpc-0abc",
            ingress: [],
            egress: [],
        });
    });

    it("isolate_systems swaps the groups of every ENI attached to the instance (not ModifyInstanceAttribute, which fails with several ENIs)", () => {
        const d = named(dev, DOC, "mas-isolate-systems");
        expect(d.inputs.documentType).toBe("Automation");
        const c = content(d);
        expect(c.schemaVersion).toBe("0.3");
        expect(c.parameters.AutomationAssumeRole.default).toBe(ROLE);
        const sg = named(dev, "aws:ec2/securityGroup:SecurityGroup", "mas-quarantine").id;
        expect(c.mainSteps.map((s) => [s.name, s.action, s.inputs.Api])).toEqual([
            ["RecordNetworkInterfaces", "aws:executeAwsApi", "DescribeNetworkInterfaces"],
            ["QuarantineEachInterface", "aws:loop", undefined],
            ["TagIsolated", "aws:createTags", undefined],
        ]);
        expect(c.mainSteps[0].inputs.Filters).toEqual([
            { Name: "attachment.instance-id", Values: ["{{ InstanceId }}"] },
        ]);
        expect(c.mainSteps[0].outputs?.[0]).toEqual({
            Name: "NetworkInterfaceIds",
            Selector: "$.NetworkInterfaces..NetworkInterfaceId",
            Type: "StringList",
        });
        expect(c.mainSteps[1].inputs).toEqual({
            Iterators: "{{ RecordNetworkInterfaces.NetworkInterfaceIds }}",
            IteratorDataType: "String",
            Steps: [
                {
                    name: "AttachQuarantineGroup",
                    action: "aws:executeAwsApi",
                    inputs: {
                        Service: "ec2",
                        Api: "ModifyNetworkInterfaceAttribute",
                        NetworkInterfaceId: "{{ QuarantineEachInterface.CurrentIteratorValue }}",
                        Groups: [sg],
                    },
                },
            ],
        });
        expect(JSON.stringify(c)).not.toContain("ModifyInstanceAttribute");
    });

    it("block_access updates the WAF IP set with its lock token", () => {
        const step = content(named(dev, DOC, "mas-block-access")).mainSteps[0];
        expect(step.action).toBe("aws:executeScript");
        expect(step.inputs.InputPayload).toEqual({
            SourceIp: "{{ SourceIp }}",
            Name: "mas-dev-block",
            Id: "ipset-id-1",
            Scope: "REGIONAL",
        });
        expect(step.inputs.Script).toContain("LockToken=got['LockToken']");
        expect(step.inputs.Script).toContain("update_ip_set");
    });

    it("revoke_access deactivates the access key and deletes the EKS access entry", () => {
        const steps = content(named(dev, DOC, "mas-revoke-access")).mainSteps;
        expect(steps.find((s) => s.name === "DeactivateAccessKey")?.inputs).toEqual({
            Service: "iam",
            Api: "UpdateAccessKey",
            UserName: "{{ UserName }}",
            AccessKeyId: "{{ AccessKeyId }}",
            Status: "Inactive",
        });
        expect(steps.find((s) => s.name === "DeleteAccessEntry")?.inputs).toEqual({
            Service: "eks",
            Api: "DeleteAccessEntry",
            clusterName: "{{ ClusterName }}",
            principalArn: "{{ PrincipalArn }}",
        });
    });

    it("collect_evidence snapshots all volumes tagged incident-id; notify_stakeholders publishes to the high topic", () => {
        const snap = content(named(dev, DOC, "mas-collect-evidence")).mainSteps[0].inputs;
        expect(snap.Api).toBe("CreateSnapshots");
        expect(snap.TagSpecifications).toEqual([
            {
                ResourceType: "snapshot",
                Tags: [
                    { Key: "incident-id", Value: "{{ IncidentId }}" },
                    { Key: "evidence-of", Value: "{{ InstanceId }}" },
                ],
            },
        ]);
        const pub = content(named(dev, DOC, "mas-notify-stakeholders")).mainSteps[0].inputs;
        expect(pub).toMatchObject({
            Service: "sns",
            Api: "Publish",
            TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:mas-dev-alerts-high`,
        });
    });

    it("starts the runbooks from high-severity GuardDuty findings with mapped parameters", () => {
        const ec2 = JSON.parse(named(dev, RULE, "mas-ec2-compromise").inputs.eventPattern as string);
        expect(ec2.detail).toEqual({ severity: [{ numeric: [">=", 7] }], resource: { resourceType: ["Instance"] } });
        const isolate = named(dev, TARGET, "mas-ec2-compromise-isolate-systems").inputs;
        expect(isolate.arn).toBe(
            `arn:aws:ssm:${REGION}:${ACCOUNT}:automation-definition/mas-dev-ir-isolate-systems:$DEFAULT`,
        );
        expect(isolate.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/mas-dev-incident-events`);
        expect(isolate.inputTransformer).toEqual({
            inputPaths: { instance: "$.detail.resource.instanceDetails.instanceId", finding: "$.detail.id" },
            inputTemplate: '{"InstanceId":[<instance>],"IncidentId":[<finding>]}',
        });
        expect(named(dev, TARGET, "mas-access-key-compromise-revoke-access").inputs.inputTransformer).toMatchObject({
            inputTemplate: '{"UserName":[<user>],"AccessKeyId":[<key>],"IncidentId":[<finding>]}',
        });
        expect(
            (named(dev, TARGET, "mas-inbound-attack-block-access").inputs.inputTransformer as { inputPaths: object })
                .inputPaths,
        ).toEqual({
            ip: "$.detail.service.action.networkConnectionAction.remoteIpDetails.ipAddressV4",
            finding: "$.detail.id",
        });
    });

    it("gives the automation role exactly the runbooks' permissions and EventBridge only start + pass-role", () => {
        const auto = named(dev, "aws:iam/role:Role", "mas-automation").inputs;
        expect(JSON.parse(auto.assumeRolePolicy as string).Statement[0].Principal).toEqual({
            Service: "ssm.amazonaws.com",
        });
        expect(auto.permissionsBoundary).toBe(`arn:aws:iam::${ACCOUNT}:policy/mas-boundary`);
        const actions = policy(named(dev, "aws:iam/rolePolicy:RolePolicy", "mas-automation")).Statement.flatMap((s) =>
            ([] as string[]).concat(s.Action as string),
        );
        expect(actions.sort()).toEqual([
            "ec2:CreateSnapshots",
            "ec2:CreateTags",
            "ec2:DescribeNetworkInterfaces",
            "ec2:ModifyNetworkInterfaceAttribute",
            "eks:DeleteAccessEntry",
            "iam:UpdateAccessKey",
            "kms:Decrypt",
            "kms:GenerateDataKey*",
            "sns:Publish",
            "wafv2:GetIPSet",
            "wafv2:UpdateIPSet",
        ]);
        const events = policy(named(dev, "aws:iam/rolePolicy:RolePolicy", "mas-events")).Statement;
        expect(events.map((s) => s.Action)).toEqual(["ssm:StartAutomationExecution", "iam:PassRole"]);
        expect(events[1].Condition).toEqual({ StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } });
    });
});
