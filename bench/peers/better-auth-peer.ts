// Peer 2's server: Better Auth on Express 5, mounted as its documentation shows.
import { betterAuth } from "better-auth";
import { toNodeHandler } from "better-auth/node";
import express from "express";
import { options } from "./better-auth-options.js";
import "./exit-on-sigterm.js";

const auth = betterAuth(options);
const app = express();
app.all("/api/auth/*splat", toNodeHandler(auth));
app.use(express.json());
app.listen(Number(process.env.PORT), "127.0.0.1");
