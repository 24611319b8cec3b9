// Started with every pack server this project runs (node --require): the server ends when the process that
// started it does, since their IPC channel then closes. No pack process outlives its audit, however it ends.
"use strict";
process.on("disconnect", () => process.exit(0));
