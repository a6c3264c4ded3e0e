import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState } from 'react';
import { SignInForm } from './features/auth/sign-in-form';
import { UploadPanel } from './features/upload/upload-panel';
import { currentToken, readInitialToken, storeToken } from './lib/auth-token';
import { MY_FILES_KEY, myFilesQuery } from './features/files/files-api';
import { createTrpcClient, queryClient, trpc } from './lib/trpc';

// Not needed for the first paint: its own chunk keeps the initial JS small.
const MyFilesPanel = lazy(() => import('./features/files/my-files-panel'));

export interface Session {
  token: string;
  name: string;
}

function nameInToken(token: string): string {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { name?: string; sub?: string };
    return payload.name ?? payload.sub ?? 'you';
  } catch {
    return 'you';
  }
}

export function App() {
  const [session, setSession] = useState<Session | null>(() => {
    const token = readInitialToken();
    return token ? { token, name: nameInToken(token) } : null;
  });
  const [trpcClient] = useState(() => createTrpcClient(currentToken));
  const token = session?.token;

  // My files is read as soon as someone is signed in, not once its lazy chunk has loaded and been
  // revealed (React holds a resolved Suspense boundary back for up to 300 ms): the list shows sooner,
  // and the server counts the user's stored bytes before the first file is picked.
  useEffect(() => {
    if (token) void queryClient.prefetchInfiniteQuery(myFilesQuery({ list: (input) => trpcClient.files.list.query(input) }));
  }, [token, trpcClient]);

  const signIn = (token: string) => {
    storeToken(token);
    setSession({ token, name: nameInToken(token) });
  };
  const signOut = () => {
    storeToken(null);
    // The next person signing in on this page must not see these files, not even for a moment.
    queryClient.removeQueries({ queryKey: MY_FILES_KEY });
    setSession(null);
  };

  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <main className="app">
          <header className="app-header">
            <h1>Uploads</h1>
            {session && (
              <p>
                Signed in as <strong>{session.name}</strong>{' '}
                <button type="button" className="link" onClick={signOut}>
                  Sign out
                </button>
              </p>
            )}
          </header>
          {session ? (
            <>
              <UploadPanel onUnauthorized={signOut} />
              <Suspense fallback={<p className="card empty">Loading your files…</p>}>
                <MyFilesPanel key={session.token} />
              </Suspense>
            </>
          ) : (
            <SignInForm onSignedIn={signIn} />
          )}
        </main>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
