/**
 * Network reachability of a VPC from the plan's objects (AWS VPC user guide: security groups are stateful
 * and allow-only, the union of all rules of all groups on an interface; network ACLs are stateless, rules
 * evaluated in ascending number, first match wins, so replies need their own ephemeral-port rule; a subnet
 * without an ACL uses the VPC's default ACL, which allows everything; a subnet routes by its associated route
 * table, longest prefix first). Only IPv4 is modelled; an IPv6 rule or route is read as its IPv4 twin.
 *
 * reachability/model.ts reads the model from the plan, reachability/sets.ts holds address and port sets,
 * reachability/layers.ts what the layers let through.
 */
export { buildNetwork, PROTOS, protocols } from "./reachability/model";
export type {
    Acl,
    AclRule,
    Network,
    Ports,
    Proto,
    RouteEntry,
    SecurityGroup,
    SgRule,
    Subnet,
} from "./reachability/model";
export {
    addrs,
    describePorts,
    emptyPorts,
    intersectPorts,
    intersects,
    isEmpty,
    minus,
    minusPorts,
    portsFrom,
    unionPorts,
} from "./reachability/sets";
export type { Addrs } from "./reachability/sets";
export { aclPorts, effectivePorts, internetPaths, outboundPorts, routeFor, sgPorts } from "./reachability/layers";
export type { Zone } from "./reachability/layers";
