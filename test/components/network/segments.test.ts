import type { ProgramRun } from "../../../tools/lib/program";
import { named, ofType } from "../../harness/program";
import { program, Rec, cidrs, idOf } from "./fixture";

let dev: ProgramRun;
let prod: ProgramRun;
beforeAll(async () => {
    dev = await program({}, "dev");
    prod = await program({}, "prod");
}, 60_000);

describe("Network segments (NET-SEG-AGENT, NET-SEG-SERVICE, NET-SEG-MGMT)", () => {
    it("splits each /24 per AZ: dev (2 AZs)", () => {
        expect(cidrs(dev, "segment", "agent")).toEqual([
            ["10.0.1.0/25", "eu-west-1a"],
            ["10.0.1.128/25", "eu-west-1b"],
        ]);
        expect(cidrs(dev, "segment", "service")).toEqual([
            ["10.0.2.0/25", "eu-west-1a"],
            ["10.0.2.128/25", "eu-west-1b"],
        ]);
        expect(cidrs(dev, "segment", "management")).toEqual([
            ["10.0.3.0/25", "eu-west-1a"],
            ["10.0.3.128/25", "eu-west-1b"],
        ]);
    });

    it("splits each /24 per AZ: prod (3 AZs, /26 each, the 4th quarter unused)", () => {
        expect(cidrs(prod, "segment", "agent")).toEqual([
            ["10.0.1.0/26", "eu-west-1a"],
            ["10.0.1.64/26", "eu-west-1b"],
            ["10.0.1.128/26", "eu-west-1c"],
        ]);
        expect(cidrs(prod, "segment", "management").map(([c]) => c)).toEqual([
            "10.0.3.0/26",
            "10.0.3.64/26",
            "10.0.3.128/26",
        ]);
    });

    it("carves public and firewall subnets from the top of the VPC, outside the segments", () => {
        expect(cidrs(dev, "tier", "public")).toEqual([
            ["10.0.255.0/26", "eu-west-1a"],
            ["10.0.255.64/26", "eu-west-1b"],
        ]);
        expect(cidrs(prod, "tier", "firewall")).toEqual([
            ["10.0.254.0/28", "eu-west-1a"],
            ["10.0.254.16/28", "eu-west-1b"],
            ["10.0.254.32/28", "eu-west-1c"],
        ]);
        for (const s of ofType(dev, "aws:ec2/subnet:Subnet")) {
            expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
        }
    });

    it("locks the default security group down (no rules)", () => {
        const sg = named(dev, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "mas-default-sg");
        expect(sg.inputs.ingress).toEqual([]);
        expect(sg.inputs.egress).toEqual([]);
    });
});

describe("Routing: egress only through NAT and the firewall (PER-FW-EGRESS, PER-FW-INGRESS)", () => {
    const route = (run: ProgramRun, name: string) => named(run, "aws:ec2/route:Route", name).inputs;
    const nat = (run: ProgramRun, i: number) => idOf(named(run, "aws:ec2/natGateway:NatGateway", `mas-nat-${i}`));
    const endpoints = (run: ProgramRun) => {
        const fw = named(run, "aws:networkfirewall/firewall:Firewall", "mas-firewall-fw");
        const states = ((fw.outputs.firewallStatuses as Rec[])[0].syncStates as Rec[]).map((s) => [
            s.availabilityZone,
            ((s.attachments as Rec[])[0] as Rec).endpointId,
        ]);
        return Object.fromEntries(states) as Record<string, string>;
    };

    it("dev: one NAT gateway shared by every AZ; prod: one per AZ", () => {
        // Besides the deploy runner's own NAT gateway (tested below).
        const workloadNats = (run: ProgramRun) =>
            ofType(run, "aws:ec2/natGateway:NatGateway").filter((n) => !n.name.startsWith("mas-deploy-nat"));
        expect(workloadNats(dev)).toHaveLength(1);
        expect(route(dev, "mas-agent-default-1").natGatewayId).toBe(nat(dev, 0));
        expect(workloadNats(prod)).toHaveLength(3);
        expect(route(prod, "mas-service-default-2").natGatewayId).toBe(nat(prod, 2));
        expect(route(prod, "mas-agent-default-1")).toMatchObject({
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: nat(prod, 1),
        });
    });

    it("public subnets (the ALB's) are created after the internet gateway", () => {
        const igw = named(prod, "aws:ec2/internetGateway:InternetGateway", "mas-igw");
        for (const i of [0, 1, 2]) {
            expect(named(prod, "aws:ec2/subnet:Subnet", `mas-public-${i}`).dependencies).toContain(igw.urn);
        }
    });

    it("management leaves only through the deploy runner's NAT gateway, at a fixed address", () => {
        const deployNat = named(prod, "aws:ec2/natGateway:NatGateway", "mas-deploy-nat");
        expect(deployNat.inputs).toMatchObject({
            privateIp: "10.0.255.10",
            subnetId: idOf(named(prod, "aws:ec2/subnet:Subnet", "mas-public-0")),
            tags: { role: "deploy-runner" },
        });
        for (const i of [0, 1, 2]) {
            expect(route(prod, `mas-management-default-${i}`)).toEqual({
                routeTableId: idOf(named(prod, "aws:ec2/routeTable:RouteTable", `mas-management-rt-${i}`)),
                destinationCidrBlock: "0.0.0.0/0",
                natGatewayId: idOf(deployNat),
            });
        }
    });

    it("without a deploy runner management has no route out and no deploy NAT", async () => {
        const run = await program({ deployRunnerRepository: "", deployRunnerConnectionArn: "" }, "dev");
        expect(ofType(run, "aws:ec2/route:Route").filter((r) => r.name.startsWith("mas-management"))).toEqual([]);
        expect(ofType(run, "aws:ec2/natGateway:NatGateway").map((n) => n.name)).toEqual(["mas-nat-0"]);
        expect(ofType(run, "aws:networkfirewall/ruleGroup:RuleGroup").map((r) => r.name)).not.toContain(
            "mas-firewall-deploy-domains",
        );
        const mgmtAcl = named(run, "aws:ec2/networkAcl:NetworkAcl", "mas-management-acl").inputs;
        expect((mgmtAcl.ingress as Rec[]).some((e) => e.cidrBlock === "0.0.0.0/0")).toBe(false);
    });

    it("public subnets leave through the same-AZ firewall endpoint; the firewall subnets through the IGW", () => {
        const ep = endpoints(prod);
        expect(route(prod, "mas-public-default-0").vpcEndpointId).toBe(ep["eu-west-1a"]);
        expect(route(prod, "mas-public-default-2").vpcEndpointId).toBe(ep["eu-west-1c"]);
        const igw = idOf(named(prod, "aws:ec2/internetGateway:InternetGateway", "mas-igw"));
        expect(route(prod, "mas-firewall-default")).toMatchObject({
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: igw,
        });
    });

    it("the IGW edge route table sends traffic for each public subnet to its AZ's firewall endpoint", () => {
        const ep = endpoints(dev);
        const igw = idOf(named(dev, "aws:ec2/internetGateway:InternetGateway", "mas-igw"));
        const edge = named(dev, "aws:ec2/routeTable:RouteTable", "mas-igw-edge-rt");
        expect(named(dev, "aws:ec2/routeTableAssociation:RouteTableAssociation", "mas-igw-edge-rt").inputs).toEqual({
            routeTableId: idOf(edge),
            gatewayId: igw,
        });
        expect(route(dev, "mas-igw-edge-0")).toMatchObject({
            destinationCidrBlock: "10.0.255.0/26",
            vpcEndpointId: ep["eu-west-1a"],
        });
        expect(route(dev, "mas-igw-edge-1")).toMatchObject({
            destinationCidrBlock: "10.0.255.64/26",
            vpcEndpointId: ep["eu-west-1b"],
        });
    });

    it("no segment route table has a route to an internet gateway", () => {
        const segmentTables = new Set(
            ofType(prod, "aws:ec2/routeTable:RouteTable")
                .filter((t) => (t.inputs.tags as Rec).segment)
                .map(idOf),
        );
        expect(segmentTables.size).toBe(9);
        for (const r of ofType(prod, "aws:ec2/route:Route").filter((x) =>
            segmentTables.has(x.inputs.routeTableId as string),
        )) {
            expect(r.inputs.gatewayId).toBeUndefined();
        }
    });
});
