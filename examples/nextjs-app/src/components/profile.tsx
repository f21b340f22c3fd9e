"use client";
// My profile, read in the browser through @authbridge/client: the token comes
// from the ApiProvider's memory (GET /api/auth/token when it has none yet).
// Whether the address is verified is the token's `email_verified` claim: a
// token issued after the verification link was followed says true.
import type { OwnProfile } from "@authbridge/client";
import { useCallback, useEffect, useState } from "react";
import { explain } from "../lib/messages";
import { useSessionApi } from "./api-provider";

export function Profile() {
  const { api, token } = useSessionApi();
  const [profile, setProfile] = useState<OwnProfile | null>(null);
  const [error, setError] = useState("");
  const [loads, setLoads] = useState(0);

  const load = useCallback(async () => {
    if (!api) return;
    setError("");
    try {
      setProfile(await api.users.me());
      setLoads((count) => count + 1);
    } catch (failure: unknown) {
      setError(explain(failure).message);
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section id="profile" aria-busy={!profile && !error}>
      {profile && (
        <dl>
          <dt>Name</dt>
          <dd>{profile.name}</dd>
          <dt>Email</dt>
          <dd>{profile.email}</dd>
          <dt>Email verified</dt>
          <dd id="email-verified">{token.times ? (token.times.emailVerified ? "yes (email_verified: true)" : "not yet (email_verified: false)") : "…"}</dd>
          <dt>Handle</dt>
          <dd>{profile.handle ?? "none yet"}</dd>
          <dt>Member since</dt>
          <dd>{new Date(profile.createdAt).toLocaleDateString("en-GB")}</dd>
        </dl>
      )}
      <button type="button" onClick={() => void load()} disabled={!api}>
        Reload my profile
      </button>{" "}
      <span id="profile-loads">{loads > 0 ? `loaded ${loads} times` : ""}</span>
      <p className="form-error" role="alert">
        {error}
      </p>
    </section>
  );
}
