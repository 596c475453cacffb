import { useEffect, useState } from 'react';
import { imageUrl, readyUrl } from '../images.js';

/** A stored image by its hash: shown at once when already loaded, else when it arrives; a failure said in words. */
export function StoredImage({
  sha256,
  alt,
  className,
  onShown,
}: {
  sha256: string;
  alt: string;
  className?: string;
  onShown?: () => void;
}) {
  const [url, setUrl] = useState<string | null>(readyUrl(sha256));
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let gone = false;
    setFailed(false);
    const now = readyUrl(sha256);
    setUrl(now);
    if (!now)
      imageUrl(sha256).then(
        (u) => !gone && setUrl(u),
        () => !gone && setFailed(true),
      );
    return () => {
      gone = true;
    };
  }, [sha256]);
  if (failed)
    return (
      <div
        className={`${className ?? ''} image-missing`}
        role="img"
        aria-label={`${alt}: could not be loaded`}
      >
        The image could not be loaded.
      </div>
    );
  if (!url)
    return (
      <div className={`${className ?? ''} image-loading`} role="img" aria-label={`${alt}: loading`}>
        loading…
      </div>
    );
  return <img className={className} src={url} alt={alt} onLoad={onShown} draggable={false} />;
}
