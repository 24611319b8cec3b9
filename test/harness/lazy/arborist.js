"use strict";
module.exports = require("./module")("@npmcli/arborist");
