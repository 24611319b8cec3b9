// policy-pack/policies/deployable/nat-address.ts: the deploy NAT's fixed address is reserved before its neighbours.
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { fixedNatAddressReserved } from "../../../policy-pack/policies/deployable/nat-address";

type Rec = Record<string, unknown>;
const res = (type: string, name: string, props: Rec, dependencies: PolicyResource[] = []) =>
    ({
        type,
        name,
        props,
        urn: `urn:pulumi:test::test::${type}::${name}`,
        dependencies,
        propertyDependencies: {},
        opts: {},
    }) as unknown as PolicyResource;

interface Case {
    reservation?: Rec;
    natAfter?: boolean;
    workloadNatAfter?: boolean;
    albAfter?: boolean;
}
function run(c: Case = {}): string[] {
    const subnet = res("aws:ec2/subnet:Subnet", "public-0", { id: "subnet-0", cidrBlock: "10.0.255.0/26" });
    const reservation = res("aws:ec2/subnetCidrReservation:SubnetCidrReservation", "deploy-nat-ip", {
        subnetId: "subnet-0",
        cidrBlock: "10.0.255.10/32",
        reservationType: "explicit",
        ...c.reservation,
    });
    const after = (yes: boolean | undefined) => (yes === false ? [subnet] : [subnet, reservation]);
    const deployNat = res(
        "aws:ec2/natGateway:NatGateway",
        "deploy-nat",
        { subnetId: "subnet-0", privateIp: "10.0.255.10" },
        after(c.natAfter),
    );
    const nat0 = res("aws:ec2/natGateway:NatGateway", "nat-0", { subnetId: "subnet-0" }, after(c.workloadNatAfter));
    const nat1 = res("aws:ec2/natGateway:NatGateway", "nat-1", { subnetId: "subnet-1" }, [subnet]);
    // The ALB reaches the reservation through a component output (transitively).
    const ids = res("mas:network:Network", "network", {}, after(c.albAfter));
    const alb = res("aws:lb/loadBalancer:LoadBalancer", "alb", { subnets: ["subnet-0", "subnet-1"] }, [ids]);
    const violations: string[] = [];
    const args = {
        resources: [subnet, reservation, deployNat, nat0, nat1, ids, alb],
        stackTags: new Map(),
        getConfig: () => ({}),
    } as unknown as StackValidationArgs;
    void fixedNatAddressReserved.validateStack(args, (m) => violations.push(m));
    return violations;
}

describe("network-fixed-nat-address-reserved (NET-DEPLOY-PATH)", () => {
    it("passes a reserved address with every neighbour created after the reservation", () => expect(run()).toEqual([]));
    it.each<[string, Case, string]>([
        [
            "no reservation of the address",
            { reservation: { cidrBlock: "10.0.255.16/28" } },
            "[NET-DEPLOY-PATH] NAT gateway deploy-nat asks for private address 10.0.255.10, which no explicit SubnetCidrReservation in its subnet holds: another interface created in the subnet can take it first",
        ],
        [
            "a prefix reservation (EC2 hands those out itself)",
            { reservation: { reservationType: "prefix" } },
            "[NET-DEPLOY-PATH] NAT gateway deploy-nat asks for private address 10.0.255.10, which no explicit SubnetCidrReservation in its subnet holds: another interface created in the subnet can take it first",
        ],
        [
            "a reservation in another subnet",
            { reservation: { subnetId: "subnet-1" } },
            "[NET-DEPLOY-PATH] NAT gateway deploy-nat asks for private address 10.0.255.10, which no explicit SubnetCidrReservation in its subnet holds: another interface created in the subnet can take it first",
        ],
        [
            "the deploy NAT itself not after the reservation",
            { natAfter: false },
            "[NET-DEPLOY-PATH] NAT gateway deploy-nat in the subnet of NAT gateway deploy-nat is not created after deploy-nat-ip, the reservation of its fixed address 10.0.255.10: created first, it can take the address",
        ],
        [
            "the workloads' NAT created alongside",
            { workloadNatAfter: false },
            "[NET-DEPLOY-PATH] NAT gateway nat-0 in the subnet of NAT gateway deploy-nat is not created after deploy-nat-ip, the reservation of its fixed address 10.0.255.10: created first, it can take the address",
        ],
        [
            "the ALB created alongside",
            { albAfter: false },
            "[NET-DEPLOY-PATH] load balancer alb in the subnet of NAT gateway deploy-nat is not created after deploy-nat-ip, the reservation of its fixed address 10.0.255.10: created first, it can take the address",
        ],
    ])("fails %s", (_, c, message) => expect(run(c)).toEqual([message]));
});
