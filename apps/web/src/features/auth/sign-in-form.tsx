import { useState, type FormEvent } from 'react';
import { trpc } from '../../lib/trpc';

/** Development sign-in: a name is enough. Host apps pass a real token instead (see README). */
export function SignInForm({ onSignedIn }: { onSignedIn: (token: string) => void }) {
  const [name, setName] = useState('');
  const signIn = trpc.auth.devSignIn.useMutation({ onSuccess: (out) => onSignedIn(out.token) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ name });
  };

  return (
    <form className="card sign-in" onSubmit={submit}>
      <label htmlFor="name">Your name</label>
      <input id="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required />
      <button type="submit" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
      {signIn.error && (
        <p role="alert" className="error">
          {signIn.error.message}
        </p>
      )}
    </form>
  );
}
