import { SignUpForm } from "../../components/sign-up-form";

export default function SignUp() {
  return (
    <>
      <h1>Create an account</h1>
      <SignUpForm />
    </>
  );
}
