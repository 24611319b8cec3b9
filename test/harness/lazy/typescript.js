"use strict";
module.exports = require("./module")("typescript");
