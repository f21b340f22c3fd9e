// My profile. The server checks the session (the proxy only saw that a
// cookie exists); the profile itself is read in the browser (components/profile.tsx).
import { Profile } from "../../components/profile";
import { requireUser } from "../../lib/server/session";

export default async function ProfilePage() {
  const user = await requireUser("/profile");
  return (
    <>
      <h1>My profile</h1>
      <p>
        Read in your browser with a token kept in its memory, for {user.name}.
      </p>
      <Profile />
    </>
  );
}
