import { ForgotPasswordForm } from "../../components/forgot-password-form";

export default function ForgotPassword() {
  return (
    <>
      <h1>Forgot your password?</h1>
      <ForgotPasswordForm />
    </>
  );
}
