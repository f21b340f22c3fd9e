import { SignInForm } from "../../components/sign-in-form";

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

/** Only a path on this site: `next` comes from the address bar, and must not send anyone elsewhere. */
const localPath = (value: string) => (/^\/(?![/\\])/.test(value) ? value : "/posts");

export default async function SignIn({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  return (
    <>
      <h1>Sign in</h1>
      <SignInForm next={localPath(first(params.next))} email={first(params.email)} created={first(params.created) === "1"} passwordReset={first(params.reset) === "1"} />
    </>
  );
}
